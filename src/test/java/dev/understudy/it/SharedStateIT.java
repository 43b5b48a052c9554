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

    @Test
    void whileRedisDoesNotAnswerAReplicaCountsRatesAndBudgetsAloneAndSaysSoOnce() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there until the end of the test
        }
        primary.setDefault(Script.openAiAnswer("ok"));
        try (GatewayProcess alone = GatewayProcess.start("shared-alone", config(Map.of("quarkus.redis.hosts",
                "redis://127.0.0.1:" + port)))) {
            for (int i = 0; i < 3; i++) {
                assertThat(chat(alone, dev.understudy.testing.AuthProfile.BOB, "shared", "alone " + i).statusCode())
                        .isEqualTo(200);
            }
            assertThat(chat(alone, dev.understudy.testing.AuthProfile.BOB, "shared", "alone 4").statusCode())
                    .as("the replica's own bucket still limits the key").isEqualTo(429);
            Response spent = request(alone, dev.understudy.testing.AuthProfile.ALICE).header("x-understudy-tier", "3")
                    .body(body("budgeted", "Prove it alone.")).post("/v1/chat/completions");
            assertThat(spent.header("x-understudy-provider")).isEqualTo("primary");
            assertThat(Await.within(Duration.ofSeconds(10), Duration.ofMillis(200),
                    () -> metric(alone, "rate") == 1 && metric(alone, "budget") == 1))
                    .as("understudy_shared_state_local says both are counted alone").isTrue();
            assertThat(admin(alone).get("/admin/savings").jsonPath()
                    .getBoolean("routes.find { it.route == 'budgeted' }.over_budget"))
                    .as("over budget on its own spend").isTrue();
            assertThat(count(alone.log(), "caller rate limits: Redis does not answer")).as("said once").isEqualTo(1);
            assertThat(count(alone.log(), "daily budgets: Redis does not answer")).as("said once").isEqualTo(1);

            try (RedisServer late = RedisServer.start(port)) {
                assertThat(Await.within(Duration.ofSeconds(15), Duration.ofMillis(200),
                        () -> metric(alone, "budget") == 0)).as("budgets shared again").isTrue();
                assertThat(alone.log()).contains("daily budgets: Redis answers again");
            }
        }
    }

    private static double metric(GatewayProcess g, String what) {
        String text = io.restassured.RestAssured.given().baseUri(g.url()).get("/q/metrics").asString();
        var m = java.util.regex.Pattern.compile("understudy_shared_state_local\\{what=\"" + what
                + "\"[^}]*} ([0-9.]+)").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @AfterAll
    static void stopRedis() {
        stopAll();
        if (redis != null) {
            redis.close();
        }
    }
}
