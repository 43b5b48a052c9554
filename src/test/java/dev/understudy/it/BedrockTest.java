package dev.understudy.it;

import static dev.understudy.it.Calls.chat;
import static dev.understudy.it.Calls.assertComplete;
import static dev.understudy.it.Calls.events;
import static dev.understudy.it.Calls.millisSince;
import static dev.understudy.it.Calls.stream;
import static dev.understudy.testing.BedrockProfile.Fakes.backup;
import static dev.understudy.testing.BedrockProfile.Fakes.bedrock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.testing.BedrockProfile;
import dev.understudy.testing.FakeBedrock.Reply;
import dev.understudy.testing.Recorded;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider type {@code bedrock} end to end: OpenAI-format callers, the gateway, and a fake Bedrock Runtime
 * that verifies every SigV4 signature and streams in the binary event-stream framing.
 */
@QuarkusTest
@TestProfile(BedrockProfile.class)
class BedrockTest {

    private static final String MODEL_PATH = "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0";

    @BeforeEach
    void reset() {
        BedrockProfile.Fakes.resetAll();
    }

    @Test
    void answersThroughConverseWithASignedRequest() {
        bedrock().enqueue(Reply.text("Hello from Claude on Bedrock"));
        chat("claude-on-bedrock").then().statusCode(200)
                .header("x-understudy-provider", "bedrock")
                .header("x-understudy-model", BedrockProfile.MODEL)
                .header("x-understudy-fallback", "false")
                .body("model", equalTo(BedrockProfile.MODEL))
                .body("choices[0].message.content", equalTo("Hello from Claude on Bedrock"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.prompt_tokens", equalTo(10))
                .body("usage.completion_tokens", equalTo(5));
        Recorded sent = bedrock().lastRequest();
        assertThat(sent.path()).isEqualTo(MODEL_PATH + "/converse");
        assertThat(sent.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + BedrockProfile.KEY_ID
                + "/").contains("/" + BedrockProfile.REGION + "/bedrock/aws4_request").contains("x-amz-security-token");
        assertThat(sent.header("X-Amz-Security-Token")).isEqualTo(BedrockProfile.SESSION_TOKEN);
        JsonNode body = sent.json();
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/0/content/0/text").asText()).isEqualTo("Say hello");
        assertThat(body.has("model")).as("the model id travels in the URL").isFalse();
        assertThat(bedrock().rejections()).isEmpty();
    }

    @Test
    void streamsConverseStreamThroughTheGatewaysOpenAiEvents() {
        bedrock().enqueue(Reply.text("Hello", " there", ", friend"));
        Response r = stream("claude-on-bedrock");
        r.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"))
                .header("x-understudy-provider", "bedrock");
        String sse = r.asString();
        assertComplete(sse, "Hello there, friend");
        List<String> events = events(sse);
        JsonPath usage = JsonPath.from(events.get(events.size() - 2));
        assertThat(usage.getInt("usage.prompt_tokens")).isEqualTo(10);
        assertThat(usage.getInt("usage.completion_tokens")).isEqualTo(3);
        assertThat(bedrock().lastRequest().path()).isEqualTo(MODEL_PATH + "/converse-stream");
        assertThat(bedrock().lastRequest().header("Accept")).isEqualTo("application/vnd.amazon.eventstream");
        assertThat(backup().requestCount()).isZero();
    }

    @Test
    void fallsBackToTheNextTargetWhenBedrockThrottles() {
        bedrock().enqueue(Reply.throttled(), Reply.throttled());
        long start = System.nanoTime();
        chat("claude-on-bedrock").then().statusCode(200)
                .header("x-understudy-provider", "backup")
                .header("x-understudy-fallback", "true")
                .body("choices[0].message.content", equalTo("Hello from backup"))
                .body("understudy.attempts.outcome", contains("rate_limited", "rate_limited", "ok"))
                .body("understudy.attempts[0].status", equalTo(429))
                .body("understudy.attempts[0].error", containsString("ThrottlingException"));
        assertThat(millisSince(start)).as("a 429 without Retry-After waits at least 0.5 s").isGreaterThanOrEqualTo(500);
        assertThat(bedrock().requests()).hasSize(2);
    }

    @Test
    void streamsFromTheNextTargetWhenBedrockThrottlesBeforeTheFirstToken() {
        bedrock().enqueue(Reply.throttled(), Reply.throttled());
        backup().enqueue(Script.openAiStream("Backup", " answer"));
        Response r = stream("claude-on-bedrock");
        r.then().statusCode(200).header("x-understudy-provider", "backup").header("x-understudy-fallback", "true");
        assertComplete(r.asString(), "Backup answer");
    }

    @Test
    void continuesOnTheNextTargetAfterAnInBandThrottlingException() {
        bedrock().enqueue(Reply.text("Partly", " done", " here").exceptionAfter(1, "throttlingException",
                "Too many tokens, please wait before trying again."));
        backup().enqueue(Script.openAiStream("Partly", " done", " here"));
        Response r = stream("claude-on-bedrock");
        r.then().statusCode(200).header("x-understudy-provider", "bedrock");
        String sse = r.asString();
        assertComplete(sse, "Partly done here");
        assertThat(sse).contains("\"outcome\":\"stream_error\"");
    }

    @Test
    void continuesACutAnswerOnBedrockWithAnAssistantPrefill() {
        backup().enqueue(Script.openAiStream("Roses are red, ", "violets ", "are blue").cutAfter(2));
        bedrock().enqueue(Reply.text("are", " blue"));
        String sse = stream("bedrock-continues").asString();
        assertComplete(sse, "Roses are red, violets are blue");
        JsonNode messages = bedrock().lastRequest().json().get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.get("role").asText()).isEqualTo("assistant");
        assertThat(last.at("/content/0/text").asText()).as("trailing whitespace trimmed, as Claude requires")
                .isEqualTo("Roses are red, violets");
        assertThat(messages.get(messages.size() - 2).get("role").asText()).isEqualTo("user");
    }

    @Test
    void fallsBackAndMarksTheTargetMisconfiguredWhenBedrockRejectsTheSignature() {
        chat("bad-signature").then().statusCode(200)
                .header("x-understudy-provider", "backup")
                .body("understudy.attempts.outcome", contains("misconfigured", "ok"))
                .body("understudy.attempts[0].status", equalTo(403))
                .body("understudy.attempts[0].error", containsString("InvalidSignatureException"))
                .body("understudy.attempts[0].error", not(containsString(BedrockProfile.SECRET)));
        assertThat(bedrock().rejections()).singleElement().asString()
                .startsWith("InvalidSignatureException: The request signature we calculated does not match");
        assertThat(bedrock().requests()).isEmpty();
    }
}
