package dev.understudy.it;

import static dev.understudy.testing.AuthProfile.ADMIN;
import static dev.understudy.testing.AuthProfile.ALICE;
import static dev.understudy.testing.AuthProfile.BOB;
import static dev.understudy.testing.FakeProviders.primary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.understudy.testing.AuthProfile;
import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gateway keys, per-key routes and rates, the separate admin key on its own port, and tenants that never
 * share answers.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
class AuthTest {

    @BeforeEach
    void reset() {
        admin().header("x-api-key", ADMIN).post("/admin/breakers/reset").then().statusCode(200);
        FakeProviders.primary().reset();
        FakeProviders.secondary().reset();
    }

    static RequestSpecification as(String key) {
        RequestSpecification spec = given().contentType("application/json");
        return key == null ? spec : spec.header("Authorization", "Bearer " + key);
    }

    @jakarta.inject.Inject
    dev.understudy.admin.AdminApi adminApi;

    /** The admin listener ({@code understudy.auth.admin-port}). */
    RequestSpecification admin() {
        return given().port(adminApi.listeningPort());
    }

    static String body(String route, String question) {
        return "{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    @Test
    void refusesARequestWithoutAKeyInEachApisErrorShape() {
        as(null).body(body("chain", "hi")).post("/v1/chat/completions").then().statusCode(401)
                .body("error.code", equalTo("missing_api_key")).body("error.type", equalTo("authentication_error"));
        as(null).body("{\"model\":\"chain\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/messages").then().statusCode(401)
                .body("type", equalTo("error")).body("error.type", equalTo("authentication_error"));
        as(null).get("/v1/models").then().statusCode(401);
        assertThat(primary().requestCount()).isZero();
    }

    @Test
    void refusesAWrongKey() {
        as("ust-not-a-key").body(body("chain", "hi")).post("/v1/chat/completions").then().statusCode(401)
                .body("error.code", equalTo("invalid_api_key"));
    }

    @Test
    void acceptsAKeyAsBearerOrXApiKeyButOnlyForItsRoutes() {
        as(ALICE).body(body("chain", "hi")).post("/v1/chat/completions").then().statusCode(200);
        given().contentType("application/json").header("x-api-key", ALICE).body(body("chain", "hi"))
                .post("/v1/chat/completions").then().statusCode(200);
        as(ALICE).body(body("solo", "hi")).post("/v1/chat/completions").then().statusCode(403)
                .body("error.code", equalTo("route_not_allowed"));
    }

    @Test
    void limitsAKeyToItsRateWith429AndRetryAfter() {
        Response third = null;
        for (int i = 0; i < 3; i++) { // bob: 2 per second, a burst of 2
            third = as(BOB).body(body("chain", "hi")).post("/v1/chat/completions");
        }
        third.then().statusCode(429).header("Retry-After", notNullValue())
                .body("error.code", equalTo("rate_limit_exceeded"));
    }

    @Test
    void keepsTheAdminApiBehindTheAdminKeyOnly() {
        admin().get("/admin/status").then().statusCode(401).body("error.code", equalTo("missing_api_key"));
        admin().header("Authorization", "Bearer " + ALICE).get("/admin/status").then().statusCode(403)
                .body("error.code", equalTo("admin_only"));
        admin().header("x-api-key", "ust-not-a-key").get("/admin/status").then().statusCode(401)
                .body("error.code", equalTo("invalid_api_key"));
        admin().header("x-api-key", ADMIN).get("/admin/status").then().statusCode(200)
                .body("routes.name", org.hamcrest.Matchers.hasItem("chain"));
        as(ADMIN).body(body("chain", "hi")).post("/v1/chat/completions").then().statusCode(401);
    }

    @Test
    void servesTheAdminApiOnlyOnItsOwnPort() {
        given().header("x-api-key", ADMIN).get("/admin/status").then().statusCode(404)
                .body("error.code", equalTo("not_found"));
        given().header("x-api-key", ADMIN).contentType("application/json").body("{\"provider\":\"primary\","
                + "\"outage\":true}").post("/admin/chaos").then().statusCode(404);
        admin().contentType("application/json").body(body("chain", "hi")).post("/v1/chat/completions").then()
                .statusCode(404);
        admin().header("x-api-key", ADMIN).contentType("application/json")
                .body("{\"provider\":\"primary\",\"outage\":true,\"duration\":\"1m\"}").post("/admin/chaos")
                .then().statusCode(200).body("faults.primary.outage", equalTo(true));
        as(ALICE).body(body("chain", "hi")).post("/v1/chat/completions").then().statusCode(200)
                .header("x-understudy-fallback", "true");
        admin().header("x-api-key", ADMIN).delete("/admin/chaos").then().statusCode(200);
        admin().header("x-api-key", ADMIN).get("/admin/no-such-thing").then().statusCode(404);
    }

    @Test
    void neverServesOneTenantsCachedAnswerToAnother() {
        String q = "Secret plans " + UUID.randomUUID();
        primary().enqueue(Script.openAiAnswer("Alice's answer"));
        as(ALICE).body(body("chain", q)).post("/v1/chat/completions").then().statusCode(200);
        primary().setDefault(Script.json(503, "{}"));
        FakeProviders.secondary().setDefault(Script.json(503, "{}"));
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        Response alice;
        do { // alice gets her own answer back from the cache (stored in the background)...
            alice = as(ALICE).body(body("chain", q)).post("/v1/chat/completions");
        } while (!"cache".equals(alice.header("x-understudy-source")) && System.nanoTime() < end);
        alice.then().statusCode(200).body("choices[0].message.content", equalTo("Alice's answer"));
        // ...bob, asking the very same question on the same route, does not
        as(BOB).body(body("chain", q)).post("/v1/chat/completions").then().statusCode(503);
    }
}
