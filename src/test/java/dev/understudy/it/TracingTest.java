package dev.understudy.it;

import static dev.understudy.it.Calls.assertComplete;
import static dev.understudy.testing.FakeProviders.claude;
import static dev.understudy.testing.FakeProviders.primary;
import static dev.understudy.testing.FakeProviders.secondary;
import static dev.understudy.testing.TracingProfile.receiver;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.Await;
import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.OtlpReceiver.Event;
import dev.understudy.testing.OtlpReceiver.Received;
import dev.understudy.testing.Script;
import dev.understudy.testing.TracingProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Traces as an operator's collector receives them: a real OTLP/HTTP receiver decodes what the gateway exports.
 * Each request carries its own caller {@code traceparent}, so each test reads exactly its own trace.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
class TracingTest {

    private static final String CONTEXT_ERROR = "{\"error\":{\"message\":\"This model's maximum context length is "
            + "8192 tokens.\",\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}";
    private static final Script DOWN = Script.json(503, "{\"error\":{\"message\":\"down\"}}");

    private String traceId;
    private String callerSpan;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
        newTrace();
    }

    @Test
    void aFallbackRequestShowsOneSpanPerAttemptTheFirstWithItsErrorType() {
        primary().enqueue(Script.json(400, CONTEXT_ERROR));
        chat("chain", "Say hello", false).then().statusCode(200).header("x-understudy-provider", "secondary");

        List<Received> spans = awaitTrace(3);
        Received server = server(spans);
        List<Received> attempts = attempts(spans);
        assertThat(attempts).extracting(a -> a.attribute("gen_ai.request.model"))
                .containsExactlyInAnyOrder("gpt-primary", "gpt-secondary");
        Received first = attempt(attempts, "gpt-primary");
        Received second = attempt(attempts, "gpt-secondary");

        assertThat(first.name()).isEqualTo("chat gpt-primary");
        assertThat(first.parentSpanId()).isEqualTo(server.spanId());
        assertThat(first.attributes()).containsEntry("error.type", "context_length")
                .containsEntry("understudy.attempt.outcome", "context_length")
                .containsEntry("http.response.status_code", 400L)
                .containsEntry("gen_ai.operation.name", "chat")
                .containsEntry("gen_ai.provider.name", "openai")
                .containsEntry("understudy.provider", "primary");
        assertThat(first.status()).isEqualTo("STATUS_CODE_ERROR");

        assertThat(second.parentSpanId()).isEqualTo(server.spanId());
        assertThat(second.attributes()).containsEntry("understudy.attempt.outcome", "ok")
                .containsKeys("gen_ai.response.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
                        "gen_ai.response.finish_reasons")
                .doesNotContainKey("error.type");

        assertThat(server.attributes()).containsEntry("understudy.route", "chain")
                .containsEntry("gen_ai.request.model", "chain")
                .containsEntry("understudy.source", "provider")
                .containsEntry("understudy.fallback", true)
                .containsEntry("understudy.attempts", 2L)
                .containsEntry("understudy.provider", "secondary")
                .containsKeys("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens");
        assertThat(event(server, "understudy.fallback").attributes())
                .containsEntry("understudy.target", "primary/gpt-primary")
                .containsEntry("understudy.reason", "context_length");
    }

    @Test
    void continuesTheCallersTraceAndHandsEachAttemptsContextToItsProvider() {
        primary().enqueue(DOWN, DOWN);
        chat("chain", "Say hello", false).then().statusCode(200);

        List<Received> spans = awaitTrace(4);
        Received server = server(spans);
        assertThat(server.traceId()).isEqualTo(traceId);
        assertThat(server.parentSpanId()).isEqualTo(callerSpan); // the caller's span is the parent

        List<String> attemptSpans = attempts(spans).stream()
                .filter(a -> "gpt-primary".equals(a.attribute("gen_ai.request.model"))).map(Received::spanId).toList();
        assertThat(attemptSpans).hasSize(2); // the retry is an attempt of its own
        assertThat(primary().requests()).extracting(r -> parentIn(r.header("traceparent")))
                .containsExactlyInAnyOrderElementsOf(attemptSpans);
        assertThat(parentIn(secondary().lastRequest().header("traceparent")))
                .isEqualTo(attempt(attempts(spans), "gpt-secondary").spanId());
        assertThat(secondary().lastRequest().header("traceparent")).startsWith("00-" + traceId + "-");
    }

    @Test
    void aStreamCutMidAnswerShowsTheContinuationOnTheSecondTarget() {
        primary().enqueue(Script.openAiStream("Roses are red, ", "violets ", "are blue").cutAfter(2));
        claude().enqueue(Script.anthropicStream("are", " blue"));
        Response r = chat("prefill", "Say hello", true);
        assertComplete(r.asString(), "Roses are red, violets are blue");

        List<Received> spans = awaitTrace(3);
        Received server = server(spans);
        List<Received> attempts = attempts(spans);
        Received cut = attempt(attempts, "gpt-primary");
        Received continued = attempt(attempts, "claude-test");

        assertThat(cut.attributes()).containsEntry("error.type", "cut")
                .containsEntry("understudy.attempt.outcome", "cut_mid_stream")
                .containsEntry("understudy.stream", true);
        assertThat(cut.hasEvent("gen_ai.content.first")).isTrue(); // content had reached the caller
        assertThat(continued.attributes()).containsEntry("understudy.continuation", "prefill")
                .containsEntry("gen_ai.provider.name", "anthropic")
                .containsEntry("understudy.attempt.outcome", "ok")
                .containsKey("gen_ai.response.finish_reasons");
        assertThat(parentIn(claude().lastRequest().header("traceparent"))).isEqualTo(continued.spanId());
        assertThat(server.attributes()).containsEntry("understudy.source", "provider")
                .containsEntry("understudy.fallback", true)
                .containsEntry("understudy.provider", "claude")
                .containsEntry("gen_ai.response.model", "claude-test")
                .containsEntry("understudy.attempts", 2L)
                .containsEntry("understudy.stream", true);
    }

    @Test
    void anAnswerFromTheEmergencyCacheShowsTheFailedAttemptsAndTheLastResort() {
        String question = "What is the capital of France? (" + UUID.randomUUID() + ")";
        primary().enqueue(Script.openAiAnswer("Paris."));
        chat("solo", question, false).then().statusCode(200);
        primary().setDefault(DOWN);
        newTrace();
        Response r = chat("solo", question, false);
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // the answer is stored in the background
        while (!"cache".equals(r.header("x-understudy-source")) && System.nanoTime() < end) {
            newTrace();
            r = chat("solo", question, false);
        }
        r.then().statusCode(200).header("x-understudy-source", "cache");

        List<Received> spans = awaitTrace(3);
        Received server = server(spans);
        assertThat(attempts(spans)).isNotEmpty().allSatisfy(a -> assertThat(a.attributes())
                .containsEntry("error.type", "server").containsEntry("http.response.status_code", 503L));
        assertThat(server.attributes()).containsEntry("understudy.source", "cache")
                .containsEntry("understudy.fallback", true);
        assertThat(event(server, "understudy.last_resort").attributes())
                .containsEntry("understudy.reason", "exact_cache");
    }

    @Test
    void noSpanCarriesThePromptTheAnswerOrAProviderKey() {
        String prompt = "Where is the " + UUID.randomUUID() + " treasure?";
        String answer = "Under the " + UUID.randomUUID() + " oak.";
        primary().enqueue(Script.openAiAnswer(answer));
        chat("solo", prompt, false).then().statusCode(200);
        awaitTrace(2);

        for (Received span : receiver().spans()) {
            for (String value : values(span)) {
                assertThat(value).as(span.name()).doesNotContain(prompt).doesNotContain(answer)
                        .doesNotContain("SECRET").doesNotContainIgnoringCase("sk-test");
            }
        }
    }

    @Test
    void logLinesOfARequestCarryItsTraceAndSpanIds() {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record instanceof org.jboss.logmanager.ExtLogRecord r && r.getMessage().contains("fallback")) {
                    seen.add(r.getMdc("traceId") + "/" + r.getMdc("spanId"));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger fallbackLog = java.util.logging.Logger.getLogger("dev.understudy.fallback");
        fallbackLog.addHandler(handler);
        try {
            primary().enqueue(Script.json(400, CONTEXT_ERROR));
            chat("chain", "Say hello", false).then().statusCode(200);
        } finally {
            fallbackLog.removeHandler(handler);
        }
        Received server = server(awaitTrace(3));
        assertThat(seen).containsExactly(traceId + "/" + server.spanId());
    }

    // --- helpers

    private void newTrace() {
        traceId = hex(16);
        callerSpan = hex(8);
    }

    private Response chat(String route, String question, boolean stream) {
        return given().contentType("application/json").header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .body("{\"model\":\"" + route + "\",\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":"
                        + "true},\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}")
                .post("/v1/chat/completions");
    }

    /** The spans of this test's trace, once at least {@code count} arrived (export is batched, 50 ms). */
    private List<Received> awaitTrace(int count) {
        boolean arrived = Await.within(Duration.ofSeconds(10), Duration.ofMillis(20),
                () -> receiver().trace(traceId).size() >= count && receiver().trace(traceId).stream()
                        .anyMatch(s -> s.kind().equals("SPAN_KIND_SERVER")));
        assertThat(arrived).as("%d spans of trace %s, got %s (%d exports in all)", count, traceId,
                receiver().trace(traceId), receiver().exportRequests()).isTrue();
        return receiver().trace(traceId);
    }

    private static Received server(List<Received> spans) {
        List<Received> servers = spans.stream().filter(s -> s.kind().equals("SPAN_KIND_SERVER")).toList();
        assertThat(servers).hasSize(1);
        assertThat(servers.get(0).name()).isEqualTo("POST /v1/chat/completions");
        return servers.get(0);
    }

    private static List<Received> attempts(List<Received> spans) {
        return spans.stream().filter(s -> s.kind().equals("SPAN_KIND_CLIENT") && s.name().startsWith("chat "))
                .toList();
    }

    private static Received attempt(List<Received> attempts, String model) {
        return attempts.stream().filter(a -> model.equals(a.attribute("gen_ai.request.model"))).findFirst()
                .orElseThrow(() -> new AssertionError("no attempt span of " + model + " in " + attempts));
    }

    private static Event event(Received span, String name) {
        return span.events().stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no event " + name + " in " + span.events()));
    }

    /** The parent-id field of a W3C traceparent: the span the provider's work hangs under. */
    private static String parentIn(String traceparent) {
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        return traceparent.split("-")[2];
    }

    private static List<String> values(Received span) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>();
        all.add(span.name());
        span.attributes().values().forEach(v -> all.add(String.valueOf(v)));
        for (Event e : span.events()) {
            e.attributes().values().forEach(v -> all.add(String.valueOf(v)));
        }
        return all;
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // never all zeroes (an invalid id)
        return HexFormat.of().formatHex(b);
    }
}
