package dev.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.Await;
import dev.understudy.testing.GatewayProcess;
import dev.understudy.testing.RedisServer;
import dev.understudy.testing.Script;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedStateContract} on one redis-server; and a third gateway, primed the moment it is ready (while
 * its embedding model may still be loading), that serves paraphrases of what it stored once the model is in.
 */
class SharedStateIT extends SharedStateContract {

    private static final String[][] PRIMED = {
        {"How do I enable two-factor authentication?", "How can I turn on two-factor authentication?"},
        {"How do I update my billing address?", "How can I update my billing address?"},
        {"Who painted the Mona Lisa?", "Who was it that painted the Mona Lisa?"},
    };

    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        startTwoReplicas("shared", Map.of("quarkus.redis.hosts", redis.url()));
    }

    @Test
    void aGatewayPrimedInItsFirstSecondServesParaphrasesOnceTheModelIsLoaded() {
        try (GatewayProcess fresh = GatewayProcess.start("shared-fresh", config(Map.of("quarkus.redis.hosts",
                redis.url())))) {
            boolean modelIn = admin(fresh).get("/admin/cache").jsonPath().getBoolean("similar.available");
            for (String[] pair : PRIMED) {
                primary.enqueue(Script.openAiAnswer("Answer to: " + pair[0]));
                assertThat(ask(fresh, "shared", pair[0]).statusCode()).isEqualTo(200);
            }
            System.out.printf("SharedStateIT: primed at once after ready; model loaded by then: %s%n", modelIn);
            assertThat(Await.within(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
                var cache = admin(fresh).get("/admin/cache").jsonPath();
                return cache.getBoolean("similar.available") && cache.getInt("similar.backfill_backlog") == 0;
            })).as("model loaded and backlog worked off").isTrue();
            primary.setDefault(Script.json(503, DOWN));

            for (String[] pair : PRIMED) {
                Response[] r = new Response[1];
                assertThat(Await.within(SHARED_WITHIN, Duration.ofMillis(50), () -> "similar-cache".equals(
                        (r[0] = ask(fresh, "shared", pair[1])).header("x-understudy-source"))))
                        .as("'%s' served from the similar cache; last: %s", pair[1], r[0].asString()).isTrue();
                assertThat(r[0].jsonPath().getString("choices[0].message.content"))
                        .isEqualTo("Answer to: " + pair[0]);
            }
        }
    }

    @AfterAll
    static void stopRedis() {
        stopAll();
        if (redis != null) {
            redis.close();
        }
    }
}
