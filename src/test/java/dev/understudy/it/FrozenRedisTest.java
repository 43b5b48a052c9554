package dev.understudy.it;

import static dev.understudy.testing.FakeProviders.primary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.Await;
import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.FrozenRedisProfile;
import dev.understudy.testing.RedisResource;
import dev.understudy.testing.RedisServer;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hung Redis (the test's redis-server stopped with SIGSTOP: connections open, nothing answered) while
 * every provider is down. The cache store's Fault Tolerance guards bound it: a few lookups wait for their
 * 250 ms timeout, then the store's breaker opens and every answer (static, or 503) comes at once. Once
 * Redis goes on (SIGCONT), the breaker's trial finds it and the cache answers again, with no restart.
 */
@QuarkusTest
@TestProfile(FrozenRedisProfile.class)
class FrozenRedisTest {

    private static final Script DOWN = Script.json(503, "{\"error\":{\"message\":\"down\"}}");
    private static final String CACHED = "What is the capital of France?";

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void answersWithoutWaitingWhileRedisIsFrozenAndUsesTheCacheAgainOnceItGoesOn() {
        RedisServer redis = RedisResource.server();
        ask("degraded", CACHED).then().statusCode(200).header("x-understudy-source", "provider");
        assertThat(Await.within(Duration.ofSeconds(5), Duration.ofMillis(20), () -> redis.keyCount() >= 2))
                .as("the answer was stored in Redis").isTrue();

        primary().setDefault(DOWN); // the only target of routes degraded and solo
        for (int i = 0; i < 3; i++) { // five failures open the primary's breakers (one retry per request)
            ask("degraded", "warm-up " + i).then().statusCode(200).header("x-understudy-source", "static");
            ask("solo", "warm-up " + i).then().statusCode(503);
        }
        List<Long> healthy = answerTimes(20); // the same answers with Redis healthy: this machine's pace

        double timedOutBefore = ftCount("ft_timeout_calls_total", "RedisCacheStore.get", "timedOut=\"true\"");
        double rejectedBefore = ftCount("ft_circuitbreaker_calls_total", "RedisCacheStore.get",
                "circuitBreakerResult=\"circuitBreakerOpen\"");
        List<Long> frozen;
        redis.freeze();
        try {
            frozen = answerTimes(20);
        } finally {
            redis.resume();
        }
        double timedOut = ftCount("ft_timeout_calls_total", "RedisCacheStore.get", "timedOut=\"true\"")
                - timedOutBefore;
        double rejected = ftCount("ft_circuitbreaker_calls_total", "RedisCacheStore.get",
                "circuitBreakerResult=\"circuitBreakerOpen\"") - rejectedBefore;
        String ft = metrics().lines().filter(l -> l.startsWith("ft_") && l.contains("RedisCacheStore.get"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(timedOut).as("lookups that waited for their 250 ms timeout: the first few only\n%s", ft)
                .isBetween(1.0, 4.0);
        assertThat(rejected).as("lookups answered at once by the open breaker (a miss)").isGreaterThanOrEqualTo(16);
        // Wall-clock time on a shared, loaded machine: one answer can meet a collection or a JIT pause, so the
        // pace is judged by the median, and "never waited for Redis" by every answer staying under the store's
        // 250 ms timeout (the counts above say the same from the guards' side)
        List<Long> later = frozen.subList(4, frozen.size());
        long limit = Math.max(50, 2 * median(healthy));
        assertThat(median(later))
                .as("after the first few, the median answer within %d ms: frozen %s, healthy %s", limit, frozen, healthy)
                .isLessThan(limit);
        assertThat(later).as("after the first few, no answer waited for Redis' 250 ms timeout: frozen %s", frozen)
                .allMatch(ms -> ms < 250);

        // Redis goes on: within the store breaker's delay (5 s) its trial succeeds and the cache answers again
        assertThat(Await.within(Duration.ofSeconds(15), Duration.ofMillis(100),
                () -> "cache".equals(ask("degraded", CACHED).then().statusCode(200).extract()
                        .header("x-understudy-source"))))
                .as("the cached answer is served again without a restart").isTrue();
    }

    /** Answers from every last resort (static on degraded, 503 on solo), with how long each took, in ms. */
    private static List<Long> answerTimes(int count) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String route = i % 2 == 0 ? "degraded" : "solo";
            long start = System.nanoTime();
            Response r = ask(route, "question " + i);
            millis.add((System.nanoTime() - start) / 1_000_000);
            if ("degraded".equals(route)) {
                r.then().statusCode(200).header("x-understudy-source", "static");
            } else {
                r.then().statusCode(503).header("Retry-After", org.hamcrest.Matchers.notNullValue());
            }
        }
        return millis;
    }

    private static long median(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Sum of a Fault Tolerance counter's series for one method and one tag (0 when absent). */
    private static double ftCount(String name, String method, String tag) {
        double sum = 0;
        for (String line : metrics().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(method) && line.contains(tag)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static Response ask(String route, String question) {
        return given().contentType("application/json")
                .body("{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}")
                .post("/v1/chat/completions");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
