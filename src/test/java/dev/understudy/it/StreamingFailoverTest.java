package dev.understudy.it;

import static dev.understudy.it.Calls.assertComplete;
import static dev.understudy.it.Calls.events;
import static dev.understudy.it.Calls.millisSince;
import static dev.understudy.it.Calls.stream;
import static dev.understudy.it.Calls.streamedText;
import static dev.understudy.testing.FakeProviders.claude;
import static dev.understudy.testing.FakeProviders.primary;
import static dev.understudy.testing.FakeProviders.secondary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/failure-semantics.md, streaming: failover before the first chunk is invisible; after it the answer is
 * continued on the next target or ends with an in-band error — never a truncated answer that looks
 * complete. The profile sets first-token-timeout and idle-timeout to 500 ms.
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class StreamingFailoverTest {

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void streamsAnAnswerWithDoneAndUsage() {
        primary().enqueue(Script.openAiStream("Hello", " there"));
        Response r = stream("chain");
        r.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"))
                .header("x-understudy-provider", "primary");
        assertComplete(r.asString(), "Hello there");
        JsonPath usage = JsonPath.from(lastJson(r.asString()));
        assertThat(usage.getInt("usage.total_tokens")).isPositive();
        assertThat(primary().lastRequest().json().at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void failsOverInvisiblyWhenThePrimaryFailsBeforeTheFirstToken() {
        primary().enqueue(Script.json(503, "{}"), Script.reset());
        secondary().enqueue(Script.openAiStream("Backup", " answer"));
        Response r = stream("chain");
        r.then().statusCode(200).header("x-understudy-provider", "secondary")
                .header("x-understudy-fallback", "true")
                .header("x-understudy-attempts", "2");
        String body = r.asString();
        assertComplete(body, "Backup answer");
        assertThat(body.split("\"role\":\"assistant\"", -1)).hasSize(2); // exactly one role delta
    }

    @Test
    void movesOnWhenTheFirstTokenIsLate() {
        primary().enqueue(Script.openAiStream("too", " late").delayFirst(Duration.ofSeconds(3)));
        secondary().enqueue(Script.openAiStream("On", " time"));
        long start = System.nanoTime();
        Response r = stream("chain");
        assertComplete(r.asString(), "On time");
        assertThat(millisSince(start)).isLessThan(2000);
        assertThat(primary().requestCount()).isEqualTo(1); // silence is not retried
    }

    @Test
    void failsOverWhenThePrimaryStreamIsCutMidAnswer() {
        primary().enqueue(Script.openAiStream("The answer", " is", " forty-two.").cutAfter(2));
        secondary().enqueue(Script.openAiStream("The answer", " is", " forty-two."));
        Response r = stream("chain");
        r.then().statusCode(200).header("x-understudy-provider", "primary");
        String body = r.asString();
        assertComplete(body, "The answer is forty-two.");
        JsonPath last = JsonPath.from(finishJson(body));
        assertThat(last.getString("understudy.provider")).isEqualTo("secondary");
        assertThat(last.getList("understudy.attempts.outcome")).containsExactly("cut", "ok");
    }

    @Test
    void continuesACutAnswerWithAnAssistantPrefillWhereTheTargetSupportsIt() {
        primary().enqueue(Script.openAiStream("Roses are red, ", "violets ", "are blue").cutAfter(2));
        claude().enqueue(Script.anthropicStream("are", " blue"));
        Response r = stream("prefill");
        String body = r.asString();
        assertComplete(body, "Roses are red, violets are blue");
        var sent = claude().lastRequest().json().get("messages");
        var lastTurn = sent.get(sent.size() - 1);
        assertThat(lastTurn.get("role").asText()).isEqualTo("assistant");
        assertThat(lastTurn.toString()).contains("Roses are red, violets"); // trailing space trimmed for Claude
    }

    @Test
    void continuesOnTheNextTargetWhenTheStreamStalls() {
        primary().enqueue(Script.openAiStream("Once", " upon", " a time").stallAfter(1));
        secondary().enqueue(Script.openAiStream("Once", " upon", " a time"));
        long start = System.nanoTime();
        assertComplete(stream("chain").asString(), "Once upon a time");
        assertThat(millisSince(start)).isLessThan(2500);
    }

    @Test
    void continuesOnTheNextTargetAfterAnInBandErrorEvent() {
        primary().enqueue(Script.openAiStream("Partly", " done", " here").errorEventAfter(1));
        secondary().enqueue(Script.openAiStream("Partly", " done", " here"));
        assertComplete(stream("chain").asString(), "Partly done here");
    }

    @Test
    void endsWithAnInBandErrorWhenTheBackupAnswersDifferently() {
        primary().enqueue(Script.openAiStream("Paris is", " the capital").cutAfter(1));
        secondary().enqueue(Script.openAiStream("The capital", " is Paris"));
        String body = stream("chain").asString();
        assertIncomplete(body);
        assertThat(streamedText(body)).isEqualTo("Paris is");
    }

    @Test
    void endsWithAnInBandErrorWhenNoTargetIsLeftToContinue() {
        primary().enqueue(Script.openAiStream("Half", " an", " answer").cutAfter(1));
        String body = stream("solo").asString();
        assertIncomplete(body);
        assertThat(streamedText(body)).isEqualTo("Half");
    }

    @Test
    void skipsAMalformedChunkAndKeepsTheAnswer() {
        primary().enqueue(Script.openAiStream("Still", " fine").malformedAfter(1));
        assertComplete(stream("chain").asString(), "Still fine");
        assertThat(secondary().requestCount()).isZero();
    }

    @Test
    void finishesPromptlyWithUsageWhenTheProviderNeverSendsDone() {
        primary().enqueue(Script.openAiStream("No", " done").withoutDoneKeepOpen());
        long start = System.nanoTime();
        String body = stream("chain").asString();
        assertComplete(body, "No done");
        assertThat(millisSince(start)).isLessThan(450); // well before the 500 ms idle timeout
        assertThat(JsonPath.from(lastJson(body)).getInt("usage.completion_tokens")).isPositive();
    }

    @Test
    void finishesAStreamThatEndsWithoutDoneAfterAFinish() {
        primary().enqueue(Script.openAiStream("Closed", " cleanly").withoutDone());
        assertComplete(stream("chain").asString(), "Closed cleanly");
        assertThat(secondary().requestCount()).isZero();
    }

    @Test
    void streamsFromAnAnthropicTargetAsOpenAiChunks() {
        claude().enqueue(Script.anthropicStream("Bon", "jour"));
        Response r = stream("claude-first");
        r.then().header("x-understudy-provider", "claude");
        assertComplete(r.asString(), "Bonjour");
    }

    @Test
    void answersWith503BeforeAnyByteWhenEveryTargetFailsBeforeStreaming() {
        primary().setDefault(Script.json(503, "{}"));
        Response r = stream("solo");
        r.then().statusCode(503).contentType("application/json")
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        assertThat(r.jsonPath().getString("error.code")).isEqualTo("all_providers_failed");
    }

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL url;

    @Test
    void aCallerThatGoesAwayMidStreamFreesTheUpstreamAtOnce() throws Exception {
        // route 'patient': idle-timeout 10 s, so only the caller leaving can end this stalled upstream quickly
        long settle = System.nanoTime();
        while (dev.understudy.testing.FakeProvider.held() > 0) { // earlier tests' stalls end by their timeouts
            assertThat(millisSince(settle)).isLessThan(3000);
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(20).toNanos());
        }
        primary().enqueue(Script.openAiStream("Hello", " world").stallAfter(1));
        var client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var request = java.net.http.HttpRequest.newBuilder(url.toURI().resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Calls.body("patient", true))).build();
        var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(response.body()));
        String line;
        do {
            line = in.readLine();
        } while (line != null && !line.contains("Hello"));
        assertThat(line).as("the first chunk arrived").isNotNull();
        assertThat(dev.understudy.testing.FakeProvider.held()).as("the upstream is held open").isEqualTo(1);

        in.close(); // the caller goes away mid-answer
        client.close();
        long start = System.nanoTime();
        while (dev.understudy.testing.FakeProvider.held() > 0) {
            assertThat(millisSince(start)).as("upstream freed well before the 10 s idle timeout").isLessThan(2000);
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(20).toNanos());
        }
    }

    // --- assertions on the SSE body ---


    private static void assertIncomplete(String sse) {
        List<String> events = events(sse);
        assertThat(events).as(sse).isNotEmpty();
        assertThat(events).doesNotContain("[DONE]");
        assertThat(sse).doesNotContain("\"finish_reason\":\"stop\"");
        JsonPath error = JsonPath.from(events.get(events.size() - 1));
        assertThat(error.getString("error.code")).isEqualTo("stream_interrupted");
    }

    private static String finishJson(String sse) {
        return events(sse).stream().filter(e -> e.contains("\"finish_reason\":\"stop\"")).findFirst().orElseThrow();
    }

    private static String lastJson(String sse) {
        List<String> events = events(sse);
        return events.get(events.size() - 2);
    }
}
