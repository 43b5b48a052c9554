package dev.understudy.it;

import static dev.understudy.it.Calls.chat;
import static dev.understudy.it.Calls.millisSince;
import static dev.understudy.testing.FakeProviders.limited;
import static dev.understudy.testing.FakeProviders.primary;
import static dev.understudy.testing.FakeProviders.secondary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.ResilienceProfile;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Breakers, probes and the latency strategy through the HTTP surface. Timing is real here (the
 * breaker's own state machine is driven by a fake clock in CircuitBreakerTest), but short and bounded:
 * threshold 3, delay 1 s (max 2 s), a probe round every 250 ms, attempt timeout 1 s.
 */
@QuarkusTest
@TestProfile(ResilienceProfile.class)
class ResilienceTest {

    private static final Script DOWN = Script.json(503, "{\"error\":{\"message\":\"down\"}}");

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void opensTheBreakerOfASilentPrimaryThenAnswersFromTheFallbackWithoutWaitingAndReturnsAfterRecovery() {
        primary().setDefault(Script.silent());
        for (int i = 0; i < 3; i++) {
            chat("chain").then().statusCode(200).header("x-understudy-provider", "secondary");
        }
        int calls = primary().requestCount();
        // at once (the breaker's delay is 1 s): the next request skips the primary without a network call
        long start = System.nanoTime();
        chat("chain").then().statusCode(200)
                .header("x-understudy-provider", "secondary")
                .header("x-understudy-attempts", "1");
        assertThat(millisSince(start)).as("well under the primary's 1 s timeout").isLessThan(500);
        assertThat(primary().requestCount()).as("skipped without a network call").isEqualTo(calls);
        assertThat(breaker("chain", "primary")).isIn("open", "half_open");
        assertThat(metrics()).containsPattern(Pattern.compile(
                "understudy_circuit_state\\{model=\"gpt-primary\",provider=\"primary\"[^}]*} 2\\.0"));
        assertThat(metrics()).containsPattern("understudy_attempts_total\\{[^}]*outcome=\"skipped_open\"");
        assertThat(metrics()).as("a request that skips an open primary fell back: the fallback alert counts it")
                .containsPattern("understudy_fallbacks_total\\{reason=\"circuit_open\",route=\"chain\"} [1-9]");

        primary().setDefault(Script.openAiAnswer("Hello from primary"));
        long recovered = System.nanoTime();
        awaitUpTo(Duration.ofSeconds(6), () -> "closed".equals(breaker("chain", "primary")));
        assertThat(millisSince(recovered)).as("within a trial still held by the silent target (its 1 s timeout),"
                + " the doubled delay (2 s) and one round (250 ms)").isLessThan(4500);
        chat("chain").then().statusCode(200).header("x-understudy-provider", "primary");
        assertThat(primary().trialCount()).as("closed by a one-token chat trial").isPositive();
        assertThat(primary().probeCount()).as("no model list asked").isZero();
        assertThat(metrics()).containsPattern(
                "understudy_probes_total\\{kind=\"trial\",model=\"gpt-primary\",outcome=\"ok\",provider=\"primary\"} [1-9]");
    }

    @Test
    void aModelListThatStillAnswersNeverClosesTheBreakerOfAFailingChatEndpoint() {
        primary().setDefault(DOWN); // chat fails ...
        primary().setProbeResponse(Script.json(200, "{\"object\":\"list\",\"data\":[]}")); // ... the list answers
        for (int i = 0; i < 2; i++) { // threshold 3, one retry per request: open after the second request
            chat("chain").then().statusCode(200).header("x-understudy-provider", "secondary");
        }
        assertThat(breaker("chain", "primary")).isIn("open", "half_open");
        awaitUpTo(Duration.ofSeconds(6), () -> primary().trialCount() >= 2);
        assertThat(breaker("chain", "primary")).as("every trial failed: still open").isIn("open", "half_open");
        assertThat(primary().probeCount()).as("the model list is never asked for a trial").isZero();
        assertThat(metrics()).containsPattern(
                "understudy_probes_total\\{kind=\"trial\",model=\"gpt-primary\",outcome=\"failed\",provider=\"primary\"} [1-9]");
    }

    @Test
    void aProviderSetToProbeModelsIsTriedWithItsModelListAndNeverWithTokens() {
        limited().setDefault(DOWN);
        limited().setProbeResponse(DOWN);
        for (int i = 0; i < 2; i++) { // threshold 3, one retry per request
            chat("limited").then().statusCode(200).header("x-understudy-provider", "secondary");
        }
        assertThat(breaker("limited", "limited")).isIn("open", "half_open");
        limited().setProbeResponse(Script.json(200, "{\"object\":\"list\",\"data\":[]}"));
        awaitUpTo(Duration.ofSeconds(4), () -> "closed".equals(breaker("limited", "limited")));
        assertThat(limited().probeCount()).as("model-list trials").isPositive();
        assertThat(limited().trialCount()).as("no chat trial").isZero();
    }

    @Test
    void answersEveryRequestOfAFlappingPrimaryAndUsesItAgainSoonAfterItRecovers() {
        // DESIGN's "down 60 s, a request every few seconds, back within 30 s", time scaled down 10x
        primary().setDefault(DOWN);
        long downUntil = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < downUntil) {
            chat("chain").then().statusCode(200).header("x-understudy-provider", "secondary");
            pause(Duration.ofMillis(500));
        }
        primary().setDefault(Script.openAiAnswer("Hello from primary"));
        long up = System.nanoTime();
        String provider;
        do {
            provider = chat("chain").then().statusCode(200).extract().header("x-understudy-provider");
            pause(Duration.ofMillis(250));
        } while (!"primary".equals(provider) && millisSince(up) < 5000);
        assertThat(provider).isEqualTo("primary");
        assertThat(millisSince(up)).as("back in use within 3 s (30 s scaled)").isLessThan(3000);
    }

    @Test
    void showsEveryTargetInTheStatus() {
        chat("chain").then().statusCode(200);
        JsonPath status = given().get("/admin/status").then().statusCode(200).extract().jsonPath();
        String target = "routes.find { it.name == 'chain' }.targets[0]";
        assertThat(status.getString(target + ".provider")).isEqualTo("primary");
        assertThat(status.getString(target + ".breaker")).isEqualTo("closed");
        assertThat(status.getBoolean(target + ".available")).isTrue();
        assertThat(status.getBoolean(target + ".healthy")).isTrue();
        assertThat(status.getDouble(target + ".latency_ms.ewma")).isPositive();
        assertThat(status.getDouble(target + ".latency_ms.p95")).isPositive();
        assertThat(status.getString(target + ".cooldown_until")).isNull();
        assertThat(status.getMap(target)).containsKeys("errors", "last_probe");
    }

    @Test
    void probesAnIdleTargetButNeverABusyHealthyOne() {
        awaitUpTo(Duration.ofSeconds(2), () -> secondary().trialCount() > 0); // secondary is idle
        JsonPath status = given().get("/admin/status").then().extract().jsonPath();
        assertThat(status.getBoolean("routes.find { it.name == 'chain' }.targets[1].last_probe.ok")).isTrue();
        int before = primary().trialCount();
        long until = System.nanoTime() + Duration.ofMillis(1200).toNanos();
        while (System.nanoTime() < until) { // primary busy: a request every 100 ms
            chat("solo").then().statusCode(200);
            pause(Duration.ofMillis(100));
        }
        assertThat(primary().trialCount() - before).as("busy and healthy: no probes (at most one round slipped in"
                + " while a request was slow: one check per model on the endpoint, and it has two)")
                .isLessThanOrEqualTo(2);
        assertThat(metrics()).containsPattern("understudy_probes_total\\{kind=\"idle\"[^}]*provider=\"secondary\"");
    }

    @Test
    void theLatencyStrategyPrefersTheFasterTarget() {
        primary().setDefault(Script.delayed(Duration.ofMillis(150), Script.openAiAnswer("slow")));
        for (int i = 0; i < 4; i++) { // both get measured: unmeasured targets are tried first
            chat("fast").then().statusCode(200);
        }
        for (int i = 0; i < 3; i++) {
            chat("fast").then().statusCode(200).header("x-understudy-provider", "secondary");
        }
    }

    @Test
    void isReadyWhileEveryRouteCanAnswer() {
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void exportsTheDesignMetricNames() {
        primary().enqueue(DOWN, DOWN);
        chat("chain").then().statusCode(200);
        String m = metrics();
        assertThat(m).contains("understudy_requests_total", "understudy_attempts_total", "understudy_fallbacks_total",
                "understudy_circuit_state", "understudy_upstream_latency_seconds_bucket", "understudy_tokens_total");
        assertThat(m).containsPattern("understudy_fallbacks_total\\{reason=\"server\",route=\"chain\"");
    }

    // --- helpers ---

    private static String breaker(String route, String provider) {
        return given().get("/admin/status").then().statusCode(200).extract().jsonPath().getString(
                "routes.find { it.name == '" + route + "' }.targets.find { it.provider == '" + provider
                        + "' }.breaker");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** Polls every 50 ms; fails after {@code limit}. */
    private static void awaitUpTo(Duration limit, BooleanSupplier condition) {
        assertThat(dev.understudy.testing.Await.within(limit, Duration.ofMillis(50), condition))
                .as("condition not met within " + limit).isTrue();
    }

    /** The pacing of a client sending requests at intervals — not a wait for the gateway. */
    private static void pause(Duration d) {
        java.util.concurrent.locks.LockSupport.parkNanos(d.toNanos());
    }
}
