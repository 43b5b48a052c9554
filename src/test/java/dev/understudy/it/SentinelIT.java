package dev.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.Await;
import dev.understudy.testing.AuthProfile;
import dev.understudy.testing.FakeProvider;
import dev.understudy.testing.GatewayProcess;
import dev.understudy.testing.RedisServer;
import dev.understudy.testing.Script;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway on Redis through a Sentinel, with nothing but the standard client settings
 * ({@code quarkus.redis.client-type=sentinel}, the sentinel in {@code quarkus.redis.hosts},
 * {@code quarkus.redis.master-name}): the cache, a caller key's rate and the queue all work on the master the
 * Sentinel names.
 */
class SentinelIT {

    private static RedisServer master;
    private static RedisServer sentinel;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() {
        master = RedisServer.start();
        sentinel = RedisServer.sentinel(master.port());
        SharedStateContract.primary = FakeProvider.start("primary");
        SharedStateContract.cheap = FakeProvider.start("cheap");
        Map<String, String> redis = new HashMap<>();
        redis.put("quarkus.redis.client-type", "sentinel");
        redis.put("quarkus.redis.hosts", sentinel.url());
        redis.put("quarkus.redis.master-name", "mymaster");
        gateway = GatewayProcess.start("sentinel", SharedStateContract.config(redis));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, SharedStateContract.primary, SharedStateContract.cheap,
            sentinel, master}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    @Test
    void theCacheTheRateAndTheQueueWorkThroughASentinel() {
        FakeProvider primary = SharedStateContract.primary;
        primary.enqueue(Script.openAiAnswer("Stored on the master."));
        assertThat(SharedStateContract.ask(gateway, "shared", "Where is it stored?").statusCode()).isEqualTo(200);
        primary.setDefault(Script.json(503, SharedStateContract.DOWN));
        assertThat(Await.within(Duration.ofSeconds(3), Duration.ofMillis(50), () -> "cache".equals(
                SharedStateContract.ask(gateway, "shared", "Where is it stored?").header("x-understudy-source"))))
                .as("the exact cache answers from the master").isTrue();

        for (int i = 0; i < 3; i++) {
            SharedStateContract.chat(gateway, AuthProfile.BOB, "shared", "limited " + i);
        }
        Response refused = SharedStateContract.chat(gateway, AuthProfile.BOB, "shared", "limited 3");
        assertThat(refused.statusCode()).as("the key's bucket lives on the master").isEqualTo(429);
        assertThat(gateway.log()).doesNotContain("caller rate limits: Redis does not answer");

        Response queued = SharedStateContract.request(gateway, AuthProfile.ALICE)
                .header("x-understudy-can-wait", "true")
                .body(SharedStateContract.body("shared", "Queue me")).post("/v1/chat/completions");
        assertThat(queued.statusCode()).as(queued.asString()).isEqualTo(202);
        String id = queued.jsonPath().getString("id");
        primary.enqueue(Script.openAiAnswer("Answered from the queue."));
        assertThat(Await.within(Duration.ofSeconds(10), Duration.ofMillis(100), () -> "done".equals(
                SharedStateContract.request(gateway, AuthProfile.ALICE).get("/v1/queue/" + id).jsonPath()
                        .getString("status")))).as("the queued request answered").isTrue();
    }
}
