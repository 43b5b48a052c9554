package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.security.Keys;
import dev.understudy.testing.Await;
import dev.understudy.testing.AuthProfile;
import dev.understudy.testing.FakeProvider;
import dev.understudy.testing.GatewayProcess;
import dev.understudy.testing.Script;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every replica sharing one Redis shares, through the HTTP surface of two packaged gateway processes,
 * A and B: the similar cache (an answer cached through A is found by similarity on B; clearing it on one
 * clears it on both), a caller key's rate and a route's daily budget, and the wait queue (answered exactly
 * once). Run on one redis-server ({@link SharedStateIT}) and on a 3-master Redis Cluster
 * ({@link SharedStateOnClusterIT}).
 */
abstract class SharedStateContract {

    static final Duration SHARED_WITHIN = Duration.ofSeconds(2);
    static final String DOWN = "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}";
    private static final AtomicInteger ASKED = new AtomicInteger();

    static FakeProvider primary;
    static FakeProvider cheap;
    static GatewayProcess a;
    static GatewayProcess b;

    /** Two gateways on {@code redis} (the quarkus.redis.* keys), sharing the fakes. */
    static void startTwoReplicas(String name, Map<String, String> redis) {
        primary = FakeProvider.start("primary");
        cheap = FakeProvider.start("cheap");
        Map<String, String> config = config(redis);
        a = GatewayProcess.start(name + "-a", config);
        b = GatewayProcess.start(name + "-b", config);
        for (GatewayProcess g : new GatewayProcess[] {a, b}) { // paraphrases need the model loaded on both
            assertThat(Await.within(Duration.ofSeconds(30), Duration.ofMillis(100),
                    () -> admin(g).get("/admin/cache").jsonPath().getBoolean("similar.available")))
                    .as("embedding model loaded on %s", g.url()).isTrue();
        }
    }

    static Map<String, String> config(Map<String, String> redis) {
        Map<String, String> c = new LinkedHashMap<>(redis);
        c.put("understudy.providers.primary.type", "openai");
        c.put("understudy.providers.primary.base-url", primary.baseUrl() + "/v1");
        c.put("understudy.providers.primary.api-key", "sk-test-primary-SECRET0123456789");
        c.put("understudy.providers.cheap.type", "openai");
        c.put("understudy.providers.cheap.base-url", cheap.baseUrl() + "/v1");
        c.put("understudy.providers.cheap.api-key", "sk-test-cheap-SECRET0123456789");
        c.put("understudy.routes.shared.targets[0].provider", "primary");
        c.put("understudy.routes.shared.targets[0].model", "m");
        c.put("understudy.routes.shared.targets[0].retries", "0");
        // 2 USD an answer (10 prompt tokens at 200,000 USD per million) against a 1 USD daily budget
        c.put("understudy.routes.budgeted.strategy", "cost");
        c.put("understudy.routes.budgeted.budget.daily-usd", "1");
        c.put("understudy.routes.budgeted.budget.tier-over-budget", "1");
        c.put("understudy.routes.budgeted.targets[0].provider", "primary");
        c.put("understudy.routes.budgeted.targets[0].model", "big");
        c.put("understudy.routes.budgeted.targets[0].tier", "3");
        c.put("understudy.routes.budgeted.targets[0].price-input", "200000");
        c.put("understudy.routes.budgeted.targets[0].price-output", "0");
        c.put("understudy.routes.budgeted.targets[0].retries", "0");
        c.put("understudy.routes.budgeted.targets[1].provider", "cheap");
        c.put("understudy.routes.budgeted.targets[1].model", "small");
        c.put("understudy.routes.budgeted.targets[1].tier", "1");
        c.put("understudy.routes.budgeted.targets[1].price-input", "0");
        c.put("understudy.routes.budgeted.targets[1].price-output", "0");
        c.put("understudy.auth.keys.alice.hash", Keys.sha256(AuthProfile.ALICE));
        c.put("understudy.auth.keys.bob.hash", Keys.sha256(AuthProfile.BOB));
        c.put("understudy.auth.keys.bob.rate", "0.05"); // a token every 20 s: none comes back during the test
        c.put("understudy.auth.keys.bob.burst", "3");
        c.put("understudy.auth.admin-key-hash", Keys.sha256(AuthProfile.ADMIN));
        c.put("understudy.queue.poll-interval", "200ms");
        c.put("understudy.health-check.interval", "1h");
        c.put("understudy.circuit-breaker.failure-threshold", "1000");
        c.put("understudy.routes.demo.enabled", "false");
        return c;
    }

    /** Before the Redis they share goes (each subclass's own @AfterAll). */
    static void stopAll() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, primary, cheap}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
        a = b = null;
    }

    @BeforeEach
    void providersAnswerAgain() {
        primary.reset();
        cheap.reset();
    }

    @Test
    void aParaphraseOfAnAnswerCachedThroughOneReplicaIsServedByTheOther() {
        primary.enqueue(Script.openAiAnswer("Paris is the capital of France."));
        assertThat(ask(a, "shared", "What is the capital of France?").statusCode()).isEqualTo(200);
        long stored = System.nanoTime();
        primary.setDefault(Script.json(503, DOWN));

        Response[] last = new Response[1];
        boolean served = Await.within(SHARED_WITHIN, Duration.ofMillis(50), () -> "similar-cache".equals(
                (last[0] = ask(b, "shared", "Which city is France's capital?")).header("x-understudy-source")));
        System.out.printf("%s: a paraphrase served by the other replica %d ms after the answer was stored%n",
                getClass().getSimpleName(), (System.nanoTime() - stored) / 1_000_000);
        assertThat(served).as("B serves the paraphrase within %s; last: %s", SHARED_WITHIN, last[0].asString())
                .isTrue();
        assertThat(last[0].jsonPath().getString("choices[0].message.content"))
                .isEqualTo("Paris is the capital of France.");
        assertThat(ask(b, "shared", "What is the capital of Germany?").statusCode())
                .as("a near miss is not served from the shared index").isEqualTo(503);
    }

    @Test
    void clearingTheCacheOnOneReplicaClearsItOnBoth() {
        String question = "How do I reset my password? (" + ASKED.incrementAndGet() + ")";
        primary.enqueue(Script.openAiAnswer("Use the reset link."), Script.openAiAnswer("Use the reset link."));
        ask(a, "shared", question);
        primary.setDefault(Script.json(503, DOWN));
        assertThat(Await.within(SHARED_WITHIN, Duration.ofMillis(50),
                () -> "cache".equals(ask(b, "shared", question).header("x-understudy-source"))))
                .as("B serves A's answer while the provider is down").isTrue();

        admin(b).delete("/admin/cache").then().statusCode(200);

        for (GatewayProcess g : new GatewayProcess[] {a, b}) {
            boolean gone = Await.within(SHARED_WITHIN, Duration.ofMillis(50),
                    () -> ask(g, "shared", question).statusCode() == 503
                            && ask(g, "shared", "I forgot my password, how can I reset it?").statusCode() == 503);
            assertThat(gone).as("no exact or similar answer left on %s", g.url()).isTrue();
        }
    }

    @Test
    void aKeysRateIsCountedOnceAcrossBothReplicas() {
        primary.setDefault(Script.openAiAnswer("ok"));
        // burst 3, then one token per 20 s: three requests in all, whichever replica they reach
        assertThat(chat(a, AuthProfile.BOB, "shared", "one").statusCode()).isEqualTo(200);
        assertThat(chat(b, AuthProfile.BOB, "shared", "two").statusCode()).isEqualTo(200);
        assertThat(chat(a, AuthProfile.BOB, "shared", "three").statusCode()).isEqualTo(200);
        Response refused = chat(b, AuthProfile.BOB, "shared", "four");
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("rate_limit_exceeded");
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(chat(a, AuthProfile.BOB, "shared", "five").statusCode()).isEqualTo(429);
        assertThat(chat(b, AuthProfile.ALICE, "shared", "six").statusCode())
                .as("another key keeps its own rate").isEqualTo(200);
    }

    @Test
    void aRoutesDailyBudgetIsSpentOnceAcrossBothReplicas() {
        primary.setDefault(Script.openAiAnswer("expensive"));
        cheap.setDefault(Script.openAiAnswer("cheap"));
        String complex = "Prove that there are infinitely many primes.";
        Response first = request(a, AuthProfile.ALICE).header("x-understudy-tier", "3")
                .body(body("budgeted", complex)).post("/v1/chat/completions");
        assertThat(first.header("x-understudy-provider")).as(first.asString()).isEqualTo("primary");

        assertThat(Await.within(SHARED_WITHIN, Duration.ofMillis(50), () -> admin(b).get("/admin/savings")
                .jsonPath().getBoolean("routes.find { it.route == 'budgeted' }.over_budget")))
                .as("B sees the route over its budget, spent through A").isTrue();
        var savingsB = admin(b).get("/admin/savings").jsonPath();
        assertThat(savingsB.getLong("routes.find { it.route == 'budgeted' }.answers"))
                .as("B itself answered nothing on the route").isZero();
        Response onB = request(b, AuthProfile.ALICE).header("x-understudy-tier", "3")
                .body(body("budgeted", complex + " Again.")).post("/v1/chat/completions");
        assertThat(onB.header("x-understudy-provider")).as("B keeps to tier 1 over budget").isEqualTo("cheap");
    }

    @Test
    void aQueuedRequestIsAnsweredExactlyOnceByTwoReplicas() {
        primary.setDefault(Script.json(503, DOWN));
        Response queued = request(a, AuthProfile.ALICE).header("x-understudy-can-wait", "true")
                .body(body("shared", "Wait for me " + ASKED.incrementAndGet())).post("/v1/chat/completions");
        assertThat(queued.statusCode()).as(queued.asString()).isEqualTo(202);
        String id = queued.jsonPath().getString("id");
        assertThat(status(b, id)).isEqualTo("queued");

        int before = primary.requestCount();
        primary.enqueue(Script.openAiAnswer("Thanks for waiting.")); // one good answer, then down again
        assertThat(Await.within(Duration.ofSeconds(10), Duration.ofMillis(100), () -> "done".equals(status(b, id))))
                .as("answered").isTrue();
        Response done = request(a, AuthProfile.ALICE).get("/v1/queue/" + id);
        assertThat(done.jsonPath().getString("response.choices[0].message.content")).isEqualTo("Thanks for waiting.");
        int after = primary.requestCount();
        // several more poll rounds of both replicas: neither may work on it again
        Await.within(Duration.ofMillis(800), Duration.ofMillis(100), () -> primary.requestCount() > after);
        assertThat(primary.requestCount()).as("no second attempt at a finished request").isEqualTo(after);
        assertThat(after - before).as("one provider call answered it").isGreaterThanOrEqualTo(1);
        assertThat(status(a, id)).isEqualTo("done");
    }

    // ---- helpers ----

    static Response ask(GatewayProcess g, String route, String question) {
        return chat(g, AuthProfile.ALICE, route, question);
    }

    static Response chat(GatewayProcess g, String key, String route, String question) {
        return request(g, key).body(body(route, question)).post("/v1/chat/completions");
    }

    static RequestSpecification request(GatewayProcess g, String key) {
        return given().baseUri(g.url()).header("Authorization", "Bearer " + key).contentType("application/json");
    }

    static RequestSpecification admin(GatewayProcess g) {
        return given().baseUri(g.url()).header("Authorization", "Bearer " + AuthProfile.ADMIN);
    }

    static String body(String route, String question) {
        return "{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + question.replace("\"", "\\\"") + "\"}]}";
    }

    private static String status(GatewayProcess g, String id) {
        return request(g, AuthProfile.ALICE).get("/v1/queue/" + id).jsonPath().getString("status");
    }
}
