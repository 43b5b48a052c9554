package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.FakeProvider;
import dev.understudy.testing.GatewayProcess;
import dev.understudy.testing.RedisServer;
import dev.understudy.testing.Script;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The durable wait queue against the packaged gateway, as separate processes on one real Redis:
 * a request queued on one gateway survives that gateway's end, and with two gateways running it is
 * answered exactly once.
 */
class QueueAcrossRestartsIT {

    private static RedisServer redis;
    private static FakeProvider provider;
    private static Map<String, String> config;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        provider = FakeProvider.start("queued");
        config = Map.of(
                "quarkus.redis.hosts", redis.url(),
                "understudy.providers.p.type", "openai",
                "understudy.providers.p.base-url", provider.baseUrl() + "/v1",
                "understudy.providers.p.api-key", "sk-test-queue",
                "understudy.routes.q.targets[0].provider", "p",
                "understudy.routes.q.targets[0].model", "m",
                "understudy.routes.q.targets[0].retries", "0",
                "understudy.queue.poll-interval", "200ms",
                "understudy.health-check.interval", "1h",
                "understudy.circuit-breaker.failure-threshold", "1000");
    }

    @AfterAll
    static void stop() {
        provider.close();
        redis.close();
    }

    @Test
    void aQueuedRequestSurvivesARestartAndIsAnsweredOnceByTwoGateways() {
        provider.setDefault(Script.json(503, "{\"error\":{\"message\":\"down\"}}"));
        String id;
        try (GatewayProcess first = GatewayProcess.start("queue-first", config)) {
            Response queued = given().baseUri(first.url()).contentType("application/json")
                    .header("x-understudy-can-wait", "true")
                    .body("{\"model\":\"q\",\"messages\":[{\"role\":\"user\",\"content\":\"Wait for me\"}]}")
                    .post("/v1/chat/completions");
            assertThat(queued.statusCode()).as(queued.asString()).isEqualTo(202);
            id = queued.jsonPath().getString("id");
        } // the gateway that queued it is gone

        try (GatewayProcess a = GatewayProcess.start("queue-a", config);
                GatewayProcess b = GatewayProcess.start("queue-b", config)) {
            assertThat(status(a, id)).isEqualTo("queued");
            provider.enqueue(Script.openAiAnswer("Thanks for waiting.")); // one good answer, then down again

            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!"done".equals(status(b, id)) && System.nanoTime() < end) {
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            Response done = given().baseUri(a.url()).get("/v1/queue/" + id);
            assertThat(done.jsonPath().getString("status")).as(done.asString()).isEqualTo("done");
            assertThat(done.jsonPath().getString("response.choices[0].message.content"))
                    .isEqualTo("Thanks for waiting.");
            // three more poll rounds: neither gateway may work on it again
            int after = provider.requestCount();
            LockSupport.parkNanos(Duration.ofMillis(600).toNanos());
            assertThat(provider.requestCount()).as("no second attempt at a finished request").isEqualTo(after);
            assertThat(status(b, id)).isEqualTo("done");
        }
    }

    private static String status(GatewayProcess g, String id) {
        return given().baseUri(g.url()).get("/v1/queue/" + id).jsonPath().getString("status");
    }
}
