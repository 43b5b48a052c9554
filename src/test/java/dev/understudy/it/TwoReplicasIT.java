package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.understudy.testing.Await;
import dev.understudy.testing.FakeProvider;
import dev.understudy.testing.GatewayProcess;
import dev.understudy.testing.PeerReplicasResource;
import dev.understudy.testing.Script;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas sharing one Redis: replica A is the packaged application launched by
 * {@code @QuarkusIntegrationTest}; replica B is the same jar started here as a second process with the
 * same configuration. What one replica learns about a target (breaker opened, Retry-After) the other
 * honours within a second, without calling the target itself.
 */
@QuarkusIntegrationTest
@WithTestResource(PeerReplicasResource.class)
class TwoReplicasIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path B_LOG = Path.of("target", "replica-b.log");
    private static final Duration B_START_WITHIN = Duration.ofSeconds(20);
    private static final Duration PROPAGATES_WITHIN = Duration.ofSeconds(2);
    private static final AtomicInteger CALLS = new AtomicInteger();

    private static Process replicaB;
    private static int portB;

    @BeforeEach
    void bothReplicasRunningAndFresh() throws Exception {
        if (replicaB == null) {
            startReplicaB();
        }
        given().post("/admin/breakers/reset").then().statusCode(200);
        onB().post("/admin/breakers/reset").then().statusCode(200);
        PeerReplicasResource.flaky().reset();
        PeerReplicasResource.steady().reset();
        flakyStatus(given()); // warm both status endpoints up, so the propagation measured is not a cold start
        flakyStatus(onB());
    }

    @AfterAll
    static void stopReplicaB() throws InterruptedException {
        if (replicaB != null) {
            replicaB.destroy();
            if (!replicaB.waitFor(10, TimeUnit.SECONDS)) {
                replicaB.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            replicaB = null;
        }
    }

    @Test
    void aBreakerOpenedOnOneReplicaIsHonouredByTheOther() {
        FakeProvider flaky = PeerReplicasResource.flaky();
        flaky.setDefault(Script.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));

        for (int i = 0; i < 2; i++) {
            answeredBySteady(chat(given()));
        }
        long openedOnA = System.nanoTime();
        assertThat(flakyStatus(given()).breaker()).as("flaky's breaker on replica A").isEqualTo("open");

        long ms = awaitOnB("flaky's breaker open on replica B", t -> "open".equals(t.breaker()), openedOnA);
        System.out.printf("TwoReplicasIT: breaker open propagated A -> B in %d ms%n", ms);

        int before = chatCalls(flaky);
        answeredBySteady(chat(onB()));
        assertThat(chatCalls(flaky)).as("replica B skipped flaky without calling it").isEqualTo(before);
    }

    @Test
    void aRetryAfterOnOneReplicaIsHonouredByTheOther() {
        FakeProvider flaky = PeerReplicasResource.flaky();
        flaky.setDefault(Script.json(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}")
                .header("Retry-After", "20"));

        answeredBySteady(chat(given()));
        long limitedOnA = System.nanoTime();
        assertThat(flakyStatus(given()).cooldownUntil()).as("flaky's cooldown on replica A").isNotNull();

        long ms = awaitOnB("flaky cooling down on replica B", t -> t.cooldownUntil() != null, limitedOnA);
        System.out.printf("TwoReplicasIT: cooldown propagated A -> B in %d ms%n", ms);

        int before = chatCalls(flaky);
        answeredBySteady(chat(onB()));
        assertThat(chatCalls(flaky)).as("replica B skipped flaky without calling it").isEqualTo(before);
    }

    // ---- helpers ----

    private record TargetStatus(String breaker, String cooldownUntil) {
    }

    private static RequestSpecification onB() {
        return given().baseUri("http://127.0.0.1").port(portB);
    }

    private static Response chat(RequestSpecification replica) {
        String body = "{\"model\":\"shared\",\"messages\":[{\"role\":\"user\",\"content\":\"hello "
                + CALLS.incrementAndGet() + "\"}]}";
        return replica.contentType("application/json").body(body).post("/v1/chat/completions");
    }

    private static void answeredBySteady(Response r) {
        assertThat(r.statusCode()).as("status; body: %s", r.asString()).isEqualTo(200);
        assertThat(r.header("x-understudy-provider")).as("answering provider").isEqualTo("steady");
    }

    private static TargetStatus flakyStatus(RequestSpecification replica) {
        var json = replica.get("/admin/status").then().statusCode(200).extract().jsonPath();
        String path = "routes.find { it.name == 'shared' }.targets.find { it.provider == 'flaky' }";
        return new TargetStatus(json.getString(path + ".breaker"), json.getString(path + ".cooldown_until"));
    }

    /** Polls replica B until {@code condition} holds; returns the milliseconds since {@code since}. */
    private static long awaitOnB(String what, Predicate<TargetStatus> condition, long since) {
        TargetStatus[] last = new TargetStatus[1];
        if (Await.within(PROPAGATES_WITHIN, Duration.ofMillis(10), () -> condition.test(last[0] = flakyStatus(onB())))) {
            return (System.nanoTime() - since) / 1_000_000;
        }
        return fail("not within %d ms: %s (last seen %s)", PROPAGATES_WITHIN.toMillis(), what, last[0]);
    }

    private static int chatCalls(FakeProvider fake) {
        return (int) fake.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).count();
    }

    private static void startReplicaB() throws IOException, InterruptedException {
        assertThat(JAR).as("the packaged jar (run through ./mvnw verify)").exists();
        portB = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dquarkus.http.port=" + portB);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        PeerReplicasResource.overrides().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(JAR.toString());
        Files.deleteIfExists(B_LOG);
        replicaB = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(B_LOG.toFile()).start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portB + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        // ready for this test only once it listens on the Redis channel, not merely serving HTTP
        boolean ready = Await.within(B_START_WITHIN, Duration.ofMillis(100), () -> !replicaB.isAlive()
                || GatewayProcess.answers200(http, readiness) && bLog().contains("peer sync: subscribed to understudy:health"));
        if (!replicaB.isAlive()) {
            fail("replica B exited with %d:%n%s", replicaB.exitValue(), bLog());
        }
        if (!ready) {
            fail("replica B not ready and subscribed within %d s:%n%s", B_START_WITHIN.toSeconds(), bLog());
        }
    }


    private static String bLog() {
        try {
            return Files.readString(B_LOG);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
