package dev.understudy.it;

import static dev.understudy.it.Calls.chat;
import static dev.understudy.it.Calls.millisSince;
import static dev.understudy.testing.FakeProviders.primary;
import static dev.understudy.testing.FakeProviders.secondary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST/DELETE /admin/chaos}: injected faults behave exactly like real ones. */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class ChaosTest {

    @BeforeEach
    @AfterEach
    void reset() {
        given().delete("/admin/chaos").then().statusCode(200);
        FakeProviders.resetAll();
    }

    static void inject(String body) {
        given().contentType("application/json").body(body).post("/admin/chaos").then().statusCode(200);
    }

    @Test
    void anInjectedOutageFailsOverWithoutReachingTheProviderAndShowsInTheStatus() {
        inject("{\"provider\":\"primary\",\"outage\":true}");
        chat("chain").then().statusCode(200)
                .header("x-understudy-provider", "secondary")
                .body("understudy.attempts[0].outcome", equalTo("connect"));
        assertThat(primary().requestCount()).isZero();
        given().get("/admin/status").then().body(
                "routes.find { it.name == 'chain' }.targets[0].chaos.outage", equalTo(true));
        given().delete("/admin/chaos?provider=primary").then().statusCode(200);
        chat("chain").then().statusCode(200).header("x-understudy-provider", "primary");
    }

    @Test
    void aRateLimitStormCoolsTheTargetDownLikeARealOne() {
        inject("{\"provider\":\"primary\",\"rate-limit\":true}");
        chat("chain").then().statusCode(200).header("x-understudy-provider", "secondary");
        assertThat(given().get("/admin/status").jsonPath().getString(
                "routes.find { it.name == 'chain' }.targets[0].cooldown_until")).isNotNull();
    }

    @Test
    void anErrorRateFailsThatShareOfRequestsDeterministically() {
        inject("{\"provider\":\"primary\",\"error-rate\":0.5,\"status\":500}");
        int before = secondary().requestCount();
        for (int i = 0; i < 4; i++) {
            chat("solo").then().statusCode(200); // retries 1: the injected failure is retried once
        }
        assertThat(primary().requestCount()).isEqualTo(4);
        assertThat(secondary().requestCount()).isEqualTo(before);
    }

    @Test
    void addedLatencyDelaysTheAnswer() {
        inject("{\"provider\":\"primary\",\"latency\":\"300ms\"}");
        long start = System.nanoTime();
        chat("chain").then().statusCode(200).header("x-understudy-provider", "primary");
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aFaultEndsByItselfAfterItsDuration() {
        inject("{\"provider\":\"primary\",\"outage\":true,\"duration\":\"500ms\"}");
        chat("chain").then().header("x-understudy-provider", "secondary");
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // poll until it lapsed, bounded
        while (given().get("/admin/chaos").jsonPath().getMap("faults").size() > 0) {
            assertThat(System.nanoTime()).as("the fault did not lapse").isLessThan(end);
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        FakeProviders.resetAll();
        chat("chain").then().header("x-understudy-provider", "primary");
    }

    @Test
    void rejectsABadChaosRequestWithA400() {
        given().contentType("application/json").body("{\"provider\":\"nobody\"}").post("/admin/chaos").then()
                .statusCode(400).body("error.code", equalTo("invalid_chaos"));
        given().contentType("application/json").body("{\"provider\":\"primary\",\"error-rate\":3}")
                .post("/admin/chaos").then().statusCode(400);
        given().contentType("application/json").body("{\"provider\":\"primary\",\"latency\":\"soon\"}")
                .post("/admin/chaos").then().statusCode(400);
    }
}
