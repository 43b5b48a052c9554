package dev.understudy.it;

import static dev.understudy.it.Calls.chat;
import static dev.understudy.it.Calls.millisSince;
import static dev.understudy.testing.FakeProviders.limited;
import static dev.understudy.testing.FakeProviders.primary;
import static dev.understudy.testing.FakeProviders.secondary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/failure-semantics.md, non-streaming: one test per row of the failure table, against real HTTP fakes.
 * The profile sets timeout 1 s, retries 1, backoff 20 ms, max-backoff 2 s.
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class FailureSemanticsTest {

    private static final String CONTEXT_ERROR = "{\"error\":{\"message\":\"This model's maximum context length is "
            + "8192 tokens.\",\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}";

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void retriesTheSameTargetWhenTheConnectionIsResetBeforeHeaders() {
        primary().enqueue(Script.reset());
        chat("chain").then().statusCode(200)
                .header("x-understudy-provider", "primary")
                .header("x-understudy-fallback", "false")
                .body("understudy.attempts", hasSize(2))
                .body("understudy.attempts[0].outcome", equalTo("connect"));
        assertThat(primary().requestCount()).isEqualTo(2);
        assertThat(secondary().requestCount()).isZero();
    }

    @Test
    void retriesAServerErrorThenFallsBackToTheNextTarget() {
        primary().enqueue(Script.json(503, "{\"error\":{\"message\":\"down\"}}"),
                Script.json(500, "{\"error\":{\"message\":\"still down\"}}"));
        chat("chain").then().statusCode(200)
                .header("x-understudy-provider", "secondary")
                .header("x-understudy-model", "gpt-secondary")
                .header("x-understudy-fallback", "true")
                .header("x-understudy-attempts", "2")
                .header("x-understudy-notice", "Using backup service")
                .body("model", equalTo("gpt-secondary"))
                .body("choices[0].message.content", equalTo("Hello from secondary"))
                .body("understudy.attempts.outcome", org.hamcrest.Matchers.contains("server", "server", "ok"));
        assertThat(primary().requestCount()).isEqualTo(2); // 1 try + 1 retry
    }

    @Test
    void treatsOverloaded529AndRequestTimeout408AsRetryable() {
        primary().enqueue(Script.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}"));
        chat("chain").then().statusCode(200).header("x-understudy-provider", "primary");
        primary().enqueue(Script.json(408, ""));
        chat("chain").then().statusCode(200).header("x-understudy-provider", "primary");
        assertThat(secondary().requestCount()).isZero();
    }

    @Test
    void retriesAMalformedBody() {
        primary().enqueue(Script.json(200, "{\"choices\": [ not json"));
        chat("chain").then().statusCode(200)
                .header("x-understudy-provider", "primary")
                .body("understudy.attempts[0].outcome", equalTo("malformed"));
    }

    @Test
    void waitsForAShortRetryAfterAndRetriesTheSameTarget() {
        primary().enqueue(Script.json(429, "{\"error\":{\"message\":\"slow down\"}}").header("retry-after-ms",
                "300"));
        long start = System.nanoTime();
        chat("chain").then().statusCode(200).header("x-understudy-provider", "primary");
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(300);
        assertThat(primary().requestCount()).isEqualTo(2);
    }

    @Test
    void skipsARetryAfterLongerThanItWouldWaitAndCoolsTheTargetDown() {
        limited().enqueue(Script.json(429, "{\"error\":{\"message\":\"quota\"}}").header("Retry-After", "3"));
        long start = System.nanoTime();
        chat("limited").then().statusCode(200).header("x-understudy-provider", "secondary");
        assertThat(millisSince(start)).isLessThan(1000);
        // cooling down: the next request skips it without a network call
        chat("limited").then().statusCode(200)
                .header("x-understudy-provider", "secondary")
                .header("x-understudy-attempts", "1")
                .body("understudy.attempts[0].outcome", equalTo("skipped_cooldown"));
        assertThat(limited().requestCount()).isEqualTo(1);
    }

    @Test
    void backsOffAtLeastHalfASecondOnARateLimitWithoutRetryAfter() {
        primary().enqueue(Script.json(429, "{\"error\":{\"message\":\"rate limited\"}}"));
        long start = System.nanoTime();
        chat("chain").then().statusCode(200).header("x-understudy-provider", "primary");
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(500);
        assertThat(primary().requestCount()).isEqualTo(2);
    }

    @Test
    void neverRetriesASilentTargetAndMovesOnAfterItsTimeout() {
        primary().enqueue(Script.silent());
        long start = System.nanoTime();
        chat("chain").then().statusCode(200)
                .header("x-understudy-provider", "secondary")
                .body("understudy.attempts[0].outcome", equalTo("timeout"));
        assertThat(millisSince(start)).isBetween(900L, 2500L);
        assertThat(primary().requestCount()).isEqualTo(1);
    }

    @Test
    void movesToTheNextTargetWhenThePromptExceedsTheContextWindow() {
        primary().enqueue(Script.json(400, CONTEXT_ERROR));
        chat("chain").then().statusCode(200)
                .header("x-understudy-provider", "secondary")
                .body("understudy.attempts[0].outcome", equalTo("context_length"));
        assertThat(primary().requestCount()).isEqualTo(1);
    }

    @Test
    void returnsAContentPolicyRefusalToTheCallerWithoutTryingAnotherTarget() {
        primary().enqueue(Script.json(400, "{\"error\":{\"message\":\"Your request was rejected by our safety "
                + "system.\",\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}"));
        chat("chain").then().statusCode(400)
                .header("x-understudy-source", "none")
                .body("error.message", containsString("safety system"))
                .body("error.code", equalTo("content_policy_violation"));
        assertThat(secondary().requestCount()).isZero();
    }

    @Test
    void returnsOtherCallerErrorsAsTheProviderSaidThem() {
        primary().enqueue(Script.json(422, "{\"error\":{\"message\":\"'tools[0].function.name' is invalid\","
                + "\"type\":\"invalid_request_error\",\"code\":\"invalid_value\"}}"));
        chat("chain").then().statusCode(422)
                .body("error.message", equalTo("'tools[0].function.name' is invalid"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_value"));
        assertThat(primary().requestCount()).isEqualTo(1);
        assertThat(secondary().requestCount()).isZero();
    }

    @Test
    void fallsBackWhenTheProviderRejectsOurCredentials() {
        primary().enqueue(Script.json(401, "{\"error\":{\"message\":\"Incorrect API key provided: "
                + "sk-test-primary-SECRET0123456789\",\"type\":\"invalid_request_error\"}}"));
        Response r = chat("chain");
        r.then().statusCode(200)
                .header("x-understudy-provider", "secondary")
                .body("understudy.attempts[0].outcome", equalTo("misconfigured"));
        assertThat(r.asString()).doesNotContain("SECRET0123456789");
        assertThat(primary().requestCount()).isEqualTo(1);
    }

    @Test
    void neverShowsAProviderKeyInStatusOrMetricsEvenWhenTheProviderEchoesIt() {
        primary().enqueue(Script.json(401, "{\"error\":{\"message\":\"Bad header: Authorization: Bearer "
                + "sk-test-primary-SECRET0123456789; also AKIAIOSFODNN7EXAMPLE\",\"type\":\"auth\"}}"));
        chat("chain").then().statusCode(200).header("x-understudy-provider", "secondary");
        String status = io.restassured.RestAssured.get("/admin/status").asString();
        assertThat(status).contains("\"last_error\"").doesNotContain("SECRET0123456789")
                .doesNotContain("AKIAIOSFODNN7EXAMPLE");
        assertThat(io.restassured.RestAssured.get("/q/metrics").asString()).doesNotContain("SECRET0123456789");
    }

    @Test
    void skipsARetryThatDoesNotFitTheRouteDeadline() {
        // Retry-After 1.5 s is within max-backoff, but the 'tight' route's whole deadline is 1 s
        primary().enqueue(Script.json(503, "{\"error\":{\"message\":\"busy\"}}").header("Retry-After", "1.5"));
        long start = System.nanoTime();
        chat("tight").then().statusCode(200).header("x-understudy-provider", "secondary");
        assertThat(millisSince(start)).isLessThan(1000);
        assertThat(primary().requestCount()).isEqualTo(1);
    }

    @Test
    void answersWith503RetryAfterAndEveryAttemptWhenAllTargetsFail() {
        primary().enqueue(Script.json(503, "{\"error\":{\"message\":\"down, key sk-test-primary-SECRET0123456789\"}}"),
                Script.json(503, "{\"error\":{\"message\":\"down\"}}"));
        Response r = chat("solo");
        r.then().statusCode(503)
                .header("Retry-After", not(nullValue()))
                .header("x-understudy-source", "none")
                .header("x-understudy-provider", nullValue())
                .body("error.code", equalTo("all_providers_failed"))
                .body("error.type", equalTo("server_error"))
                .body("error.retry_after", not(nullValue()))
                .body("error.attempts", hasSize(2))
                .body("error.attempts[0].status", equalTo(503));
        assertThat(r.asString()).doesNotContain("SECRET0123456789").contains("[REDACTED]");
    }

    @Test
    void reportsTheAnsweringTargetsModelAndUsage() {
        secondary().setDefault(Script.openAiAnswer("one two three four"));
        primary().enqueue(Script.json(500, "{}"), Script.json(500, "{}"));
        chat("chain").then().statusCode(200)
                .body("model", equalTo("gpt-secondary"))
                .body("usage.prompt_tokens", equalTo(10))
                .body("usage.completion_tokens", equalTo(4))
                .body("usage.total_tokens", equalTo(14));
        assertThat(secondary().lastRequest().json().get("model").asText()).isEqualTo("gpt-secondary");
    }

    @Test
    void servesTheConfiguredStaticAnswerForTheCallersCategoryWhenEverythingFailed() {
        primary().setDefault(Script.json(503, "{}"));
        io.restassured.RestAssured.given().contentType("application/json")
                .header("x-understudy-category", "support")
                .body(Calls.body("degraded", false)).post("/v1/chat/completions")
                .then().statusCode(200)
                .header("x-understudy-source", "static")
                .header("x-understudy-notice", not(nullValue()))
                .body("choices[0].message.content", equalTo("Support is busy; we will call you back."))
                .body("understudy.degraded", equalTo(true));
    }

    @Test
    void passesEveryRequestFieldThroughToAnOpenAiTarget() {
        String request = """
                {"model":"chain","temperature":0.3,"top_p":0.9,"max_tokens":77,"stop":["END"],"seed":42,
                 "user":"u-1","response_format":{"type":"json_object"},"presence_penalty":0.5,
                 "tools":[{"type":"function","function":{"name":"lookup","description":"d",
                   "parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}],
                 "tool_choice":"auto",
                 "messages":[{"role":"developer","content":"Be terse."},
                   {"role":"user","content":[{"type":"text","text":"What is this?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"a cat"}]}""";
        io.restassured.RestAssured.given().contentType("application/json").body(request)
                .post("/v1/chat/completions").then().statusCode(200);
        var sent = primary().lastRequest().json();
        assertThat(sent.get("model").asText()).isEqualTo("gpt-primary");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(77);
        assertThat(sent.get("stop").get(0).asText()).isEqualTo("END");
        assertThat(sent.get("seed").asLong()).isEqualTo(42);
        assertThat(sent.get("user").asText()).isEqualTo("u-1");
        assertThat(sent.get("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(sent.at("/response_format/type").asText()).isEqualTo("json_object");
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("lookup");
        assertThat(sent.get("tool_choice").asText()).isEqualTo("auto");
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("developer");
        assertThat(sent.at("/messages/1/content/1/image_url/url").asText())
                .isEqualTo("data:image/png;base64,iVBORw0KGgo=");
        assertThat(sent.at("/messages/1/content/1/image_url/detail").asText()).isEqualTo("low");
        assertThat(sent.at("/messages/2/tool_calls/0/function/arguments").asText()).isEqualTo("{\"q\":\"x\"}");
        assertThat(sent.at("/messages/3/tool_call_id").asText()).isEqualTo("call_1");
        assertThat(primary().lastRequest().header("authorization")).isEqualTo(
                "Bearer sk-test-primary-SECRET0123456789");
    }

    @Test
    void translatesToAndFromAnAnthropicTarget() {
        io.restassured.RestAssured.given().contentType("application/json")
                .body("{\"model\":\"claude-first\",\"max_tokens\":50,\"messages\":[{\"role\":\"system\","
                        + "\"content\":\"Be kind.\"},{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-understudy-provider", "claude")
                .body("model", equalTo("claude-test"))
                .body("choices[0].message.content", equalTo("Hello from claude"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.prompt_tokens", equalTo(10));
        var sent = FakeProviders.claude().lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.header("x-api-key")).isEqualTo("sk-test-claude-SECRET0123456789");
        assertThat(sent.header("anthropic-version")).isNotBlank();
        assertThat(sent.json().get("system").asText()).isEqualTo("Be kind.");
        assertThat(sent.json().get("max_tokens").asInt()).isEqualTo(50);
        assertThat(sent.json().at("/messages/0/role").asText()).isEqualTo("user");
    }

    @Test
    void waitsNoLongerThanTheTimeoutForOneSlowAnswer() {
        primary().enqueue(Script.delayed(Duration.ofSeconds(3), Script.openAiAnswer("late")));
        long start = System.nanoTime();
        chat("chain").then().statusCode(200).header("x-understudy-provider", "secondary");
        assertThat(millisSince(start)).isLessThan(2500);
    }
}
