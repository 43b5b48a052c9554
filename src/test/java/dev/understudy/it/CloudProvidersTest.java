package dev.understudy.it;

import static dev.understudy.it.Calls.assertComplete;
import static dev.understudy.it.Calls.chat;
import static dev.understudy.it.Calls.stream;
import static dev.understudy.testing.CloudProfile.Fakes.anthropic;
import static dev.understudy.testing.CloudProfile.Fakes.azure;
import static dev.understudy.testing.CloudProfile.Fakes.entra;
import static dev.understudy.testing.CloudProfile.Fakes.google;
import static dev.understudy.testing.CloudProfile.Fakes.openai;
import static dev.understudy.testing.CloudProfile.Fakes.vertex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.testing.CloudProfile;
import dev.understudy.testing.Recorded;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider types {@code vertex} and {@code azure-openai} end to end, through the gateway's HTTP API: tokens
 * from a service-account key (checked by a fake Google token endpoint) and from Entra ID (federated token or
 * client secret), fake Vertex and Azure endpoints that refuse a missing or expired token, and the classic
 * fallbacks Anthropic → Vertex Claude and OpenAI → Azure.
 */
@QuarkusTest
@TestProfile(CloudProfile.class)
class CloudProvidersTest {

    private static final String LOCATION_PATH = "/v1/projects/" + CloudProfile.PROJECT + "/locations/"
            + CloudProfile.LOCATION;
    private static final String CLAUDE_PATH = LOCATION_PATH + "/publishers/anthropic/models/" + CloudProfile.CLAUDE;
    private static final String ANTHROPIC_OVERLOADED = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
            + "\"message\":\"Overloaded\"}}";
    private static final String OPENAI_DOWN = "{\"error\":{\"message\":\"The server is overloaded\","
            + "\"type\":\"server_error\"}}";

    @BeforeEach
    void reset() {
        CloudProfile.Fakes.resetAll();
    }

    // ------------------------------------------------------------------ Vertex AI

    @Test
    void answersFromClaudeOnVertexWhenAnthropicIsDownWithATokenFromTheServiceAccountKey() {
        anthropic().enqueue(Script.json(529, ANTHROPIC_OVERLOADED), Script.json(529, ANTHROPIC_OVERLOADED));
        vertex().enqueue(Script.anthropicAnswer("Hello from Claude on Vertex"));
        chat("claude").then().statusCode(200)
                .header("x-understudy-provider", "vertex")
                .header("x-understudy-model", CloudProfile.CLAUDE)
                .header("x-understudy-fallback", "true")
                .body("model", equalTo(CloudProfile.CLAUDE))
                .body("choices[0].message.content", equalTo("Hello from Claude on Vertex"))
                .body("usage.prompt_tokens", equalTo(10))
                .body("understudy.attempts.outcome", contains("server", "server", "ok"));
        Recorded sent = vertex().lastRequest();
        assertThat(sent.path()).isEqualTo(CLAUDE_PATH + ":rawPredict");
        assertThat(sent.header("Authorization")).startsWith("Bearer ya29.fake-google-token-");
        JsonNode body = sent.json();
        assertThat(body.path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
        assertThat(body.has("model")).as("the model travels in the URL").isFalse();
        assertThat(body.at("/messages/0/content/0/text").asText(body.at("/messages/0/content").asText()))
                .isEqualTo("Say hello");
        assertThat(google().rejections()).as("every assertion verified against the key").isEmpty();
    }

    @Test
    void streamsClaudeOnVertexThroughStreamRawPredict() {
        anthropic().enqueue(Script.json(529, ANTHROPIC_OVERLOADED), Script.json(529, ANTHROPIC_OVERLOADED));
        vertex().enqueue(Script.anthropicStream("Hello", " from", " Vertex"));
        Response r = stream("claude");
        r.then().statusCode(200).header("x-understudy-provider", "vertex");
        assertComplete(r.asString(), "Hello from Vertex");
        assertThat(vertex().lastRequest().path()).isEqualTo(CLAUDE_PATH + ":streamRawPredict");
        assertThat(vertex().lastRequest().json().path("stream").asBoolean()).isTrue();
    }

    @Test
    void continuesACutAnthropicAnswerOnClaudeOnVertexWithAnAssistantPrefill() {
        anthropic().enqueue(Script.anthropicStream("Roses are red, ", "violets ", "are blue").cutAfter(2));
        vertex().enqueue(Script.anthropicStream("are", " blue"));
        assertComplete(stream("claude").asString(), "Roses are red, violets are blue");
        JsonNode messages = vertex().lastRequest().json().get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.get("role").asText()).isEqualTo("assistant");
        assertThat(last.toString()).contains("Roses are red, violets");
    }

    @Test
    void answersGeminiThroughVertexsOpenAiCompatibleEndpoint() {
        vertex().enqueue(Script.openAiAnswer("Hello from Gemini"));
        chat("gemini").then().statusCode(200)
                .header("x-understudy-provider", "vertex")
                .header("x-understudy-model", CloudProfile.GEMINI)
                .body("choices[0].message.content", equalTo("Hello from Gemini"));
        Recorded sent = vertex().lastRequest();
        assertThat(sent.path()).isEqualTo(LOCATION_PATH + "/endpoints/openapi/chat/completions");
        assertThat(sent.json().path("model").asText()).isEqualTo("google/" + CloudProfile.GEMINI);
        assertThat(sent.header("Authorization")).startsWith("Bearer ya29.fake-google-token-");
    }

    @Test
    void streamsGeminiThroughVertex() {
        vertex().enqueue(Script.openAiStream("Hello", " from", " Gemini"));
        Response r = stream("gemini");
        r.then().statusCode(200).header("x-understudy-provider", "vertex");
        assertComplete(r.asString(), "Hello from Gemini");
        assertThat(vertex().lastRequest().json().path("stream").asBoolean()).isTrue();
    }

    @Test
    void fetchesOneTokenForManyRequests() {
        int before = google().tokensIssued();
        for (int i = 0; i < 3; i++) {
            chat("gemini-counted").then().statusCode(200).header("x-understudy-provider", "vertex-counted");
        }
        vertex().enqueue(Script.openAiStream("one", " token"));
        assertComplete(stream("gemini-counted").asString(), "one token");
        assertThat(vertex().requests()).hasSize(4);
        assertThat(vertex().requests().stream().map(r -> r.header("Authorization")).collect(Collectors.toSet()))
                .as("one token for every request").hasSize(1);
        assertThat(google().tokensIssued() - before).as("at most the first use asked for a token")
                .isLessThanOrEqualTo(1);
    }

    @Test
    void dropsATokenVertexRefusesAsExpiredAndFetchesAFreshOne() {
        chat("gemini-expiry").then().statusCode(200).header("x-understudy-provider", "vertex-expiry");
        String first = vertex().lastRequest().header("Authorization");
        google().expire(first.substring("Bearer ".length()));
        int before = google().tokensIssued();

        chat("gemini-expiry").then().statusCode(200)
                .header("x-understudy-provider", "openai")
                .body("understudy.attempts.outcome", contains("misconfigured", "ok"))
                .body("understudy.attempts[0].status", equalTo(401))
                .body("understudy.attempts[0].error", containsString("UNAUTHENTICATED"))
                .body("understudy.attempts[0].error", not(containsString("ya29.")));
        assertThat(vertex().refusals()).singleElement().asString().startsWith("POST ");

        CloudProfile.Fakes.resetAll(); // forget the misconfiguration mark, keep the dropped token dropped
        chat("gemini-expiry").then().statusCode(200).header("x-understudy-provider", "vertex-expiry");
        assertThat(vertex().lastRequest().header("Authorization")).isNotEqualTo(first);
        assertThat(google().tokensIssued() - before).isEqualTo(1);
    }

    @Test
    void fallsBackWhenVertexIsOutOfQuota() {
        String exhausted = "[{\"error\":{\"code\":429,\"message\":\"Resource exhausted. Please try again later.\","
                + "\"status\":\"RESOURCE_EXHAUSTED\"}}]";
        vertex().enqueue(Script.json(429, exhausted), Script.json(429, exhausted));
        chat("gemini").then().statusCode(200)
                .header("x-understudy-provider", "openai")
                .header("x-understudy-fallback", "true")
                .body("understudy.attempts.outcome", contains("rate_limited", "rate_limited", "ok"))
                .body("understudy.attempts[0].error", containsString("RESOURCE_EXHAUSTED"));
    }

    @Test
    void fallsBackToALargerWindowWhenGeminiSaysThePromptIsTooLong() {
        vertex().enqueue(Script.json(400, "{\"error\":{\"code\":400,\"message\":\"The input token count (1200000) "
                + "exceeds the maximum number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}"));
        chat("gemini").then().statusCode(200)
                .header("x-understudy-provider", "openai")
                .body("understudy.attempts.outcome", contains("context_length", "ok"));
    }

    @Test
    void returnsAGeminiSafetyBlockToTheCallerInsteadOfFailingOver() {
        vertex().enqueue(Script.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"google/gemini-2.5-flash\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\"},"
                + "\"finish_reason\":\"content_filter\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":0,"
                + "\"total_tokens\":10}}"));
        chat("gemini").then().statusCode(200)
                .header("x-understudy-provider", "vertex")
                .body("choices[0].finish_reason", equalTo("content_filter"))
                .body("choices[0].message.content", nullValue())
                .body("choices[0].message.refusal", containsString("safety filters"));
        vertex().enqueue(Script.json(400, "{\"error\":{\"code\":400,\"message\":\"The prompt was blocked due to "
                + "PROHIBITED_CONTENT.\",\"status\":\"INVALID_ARGUMENT\"}}"));
        chat("gemini").then().statusCode(400)
                .header("x-understudy-source", "none")
                .body("error.message", containsString("PROHIBITED_CONTENT"));
        assertThat(openai().requestCount()).isZero();
    }

    // ------------------------------------------------------------------ Azure OpenAI

    @Test
    void answersFromAzureWhenOpenAiIsDownWithAWorkloadIdentityToken() {
        openai().enqueue(Script.json(503, OPENAI_DOWN), Script.json(503, OPENAI_DOWN));
        azure().enqueue(Script.openAiAnswer("Hello from Azure"));
        chat("gpt").then().statusCode(200)
                .header("x-understudy-provider", "azure-wi")
                .header("x-understudy-model", "gpt-4o")
                .header("x-understudy-fallback", "true")
                .body("choices[0].message.content", equalTo("Hello from Azure"))
                .body("understudy.attempts.outcome", contains("server", "server", "ok"));
        Recorded sent = azure().lastRequest();
        assertThat(sent.path()).isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        assertThat(sent.header("Authorization")).startsWith("Bearer eyJ0eXAiOiJKV1QifQ.fake-entra-token-");
        assertThat(sent.header("api-key")).isNull();
        assertThat(entra().rejections()).as("the federated token was accepted as the client assertion").isEmpty();
    }

    @Test
    void regeneratesACutOpenAiAnswerOnAzureWithoutRepeatingWhatWasSent() {
        openai().enqueue(Script.openAiStream("Roses are red, ", "violets ", "are blue").cutAfter(2));
        azure().enqueue(Script.openAiStream("Roses are red, ", "violets ", "are blue"));
        Response r = stream("gpt");
        r.then().statusCode(200).header("x-understudy-provider", "openai");
        assertComplete(r.asString(), "Roses are red, violets are blue");
        assertThat(azure().lastRequest().json().path("stream").asBoolean()).isTrue();
    }

    @Test
    void getsAnEntraTokenWithTheClientSecret() {
        azure().enqueue(Script.openAiAnswer("Hello with a client secret"));
        chat("azure-secret").then().statusCode(200)
                .header("x-understudy-provider", "azure-secret")
                .body("choices[0].message.content", equalTo("Hello with a client secret"));
        assertThat(azure().lastRequest().header("Authorization")).startsWith("Bearer ");
        assertThat(entra().rejections()).isEmpty();
    }

    @Test
    void sendsTheApiKeyAndTheDeploymentAsTheModelOnTheV1Api() {
        azure().enqueue(Script.openAiStream("Hello", " v1"));
        assertComplete(stream("azure-v1").asString(), "Hello v1");
        Recorded sent = azure().lastRequest();
        assertThat(sent.path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(sent.header("api-key")).isEqualTo(CloudProfile.AZURE_API_KEY);
        assertThat(sent.header("Authorization")).isNull();
        assertThat(sent.json().path("model").asText()).isEqualTo("my-gpt-4o-deployment");
    }

    @Test
    void returnsAzuresContentFilterToTheCallerInsteadOfFailingOver() {
        azure().enqueue(Script.json(400, "{\"error\":{\"message\":\"The response was filtered due to the prompt "
                + "triggering Azure OpenAI's content management policy.\",\"type\":null,\"param\":\"prompt\","
                + "\"code\":\"content_filter\",\"status\":400,\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\","
                + "\"content_filter_result\":{\"violence\":{\"filtered\":true,\"severity\":\"high\"}}}}}"));
        chat("azure-v1").then().statusCode(400)
                .header("x-understudy-source", "none")
                .body("error.message", containsString("content management policy"))
                .body("error.code", equalTo("content_filter"));
        azure().enqueue(Script.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null},"
                + "\"finish_reason\":\"content_filter\",\"content_filter_results\":{\"hate\":{\"filtered\":false,"
                + "\"severity\":\"safe\"},\"violence\":{\"filtered\":true,\"severity\":\"medium\"}}}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":0,\"total_tokens\":10}}"));
        chat("azure-v1").then().statusCode(200)
                .header("x-understudy-provider", "azure-key")
                .body("choices[0].finish_reason", equalTo("content_filter"))
                .body("choices[0].message.refusal", equalTo(
                        "Azure OpenAI's content filter withheld the answer (violence: medium)."));
        assertThat(openai().requestCount()).isZero();
    }

    @Test
    void fallsBackWhenEntraRefusesTheClientSecretAndNeverShowsIt() {
        chat("azure-wrong-secret").then().statusCode(200)
                .header("x-understudy-provider", "openai")
                .body("understudy.attempts.outcome", contains("misconfigured", "ok"))
                .body("understudy.attempts[0].error", containsString("AADSTS7000215"))
                .body("understudy.attempts[0].error",
                        not(containsString(CloudProfile.CLIENT_SECRET.replace('9', '1'))));
        assertThat(azure().requests()).as("no request without a token").isEmpty();
        assertThat(azure().refusals()).isEmpty();
    }
}
