package dev.understudy.it;

import static dev.understudy.it.Calls.events;
import static dev.understudy.testing.FakeProviders.claude;
import static dev.understudy.testing.FakeProviders.primary;
import static dev.understudy.testing.FakeProviders.secondary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/messages}: the Anthropic API inbound, with any target type behind it. */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class AnthropicApiTest {

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    static Response messages(String body) {
        return given().contentType("application/json").header("anthropic-version", "2023-06-01").body(body)
                .post("/v1/messages");
    }

    static String simple(String route, boolean stream) {
        return "{\"model\":\"" + route + "\",\"max_tokens\":100,\"stream\":" + stream + ",\"system\":\"Be brief.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    @Test
    void answersAnAnthropicCallerFromAnOpenAiTarget() {
        messages(simple("chain", false)).then().statusCode(200)
                .header("x-understudy-provider", "primary")
                .body("type", equalTo("message"))
                .body("role", equalTo("assistant"))
                .body("model", equalTo("gpt-primary"))
                .body("content[0].type", equalTo("text"))
                .body("content[0].text", equalTo("Hello from primary"))
                .body("stop_reason", equalTo("end_turn"))
                .body("usage.input_tokens", equalTo(10));
        var sent = primary().lastRequest().json();
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(100);
    }

    @Test
    void streamsTheRealAnthropicEventSequence() {
        primary().enqueue(Script.openAiStream("Hel", "lo"));
        Response r = messages(simple("chain", true));
        r.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"));
        List<String> names = eventNames(r.asString());
        assertThat(names).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(text(r.asString())).isEqualTo("Hello");
        JsonPath delta = JsonPath.from(events(r.asString()).get(6));
        assertThat(delta.getString("delta.stop_reason")).isEqualTo("end_turn");
        assertThat(delta.getInt("usage.output_tokens")).isPositive();
    }

    @Test
    void failsOverFromAnAnthropicTargetToAnOpenAiOne() {
        claude().enqueue(Script.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}"), Script.json(529, "{}"));
        messages(simple("claude-first", false)).then().statusCode(200)
                .header("x-understudy-provider", "secondary")
                .header("x-understudy-fallback", "true")
                .body("content[0].text", equalTo("Hello from secondary"));
    }

    @Test
    void passesToolUseAndToolResultsThroughAndAnswersWithToolUseBlocks() {
        primary().enqueue(Script.json(200, """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-primary","choices":[{"index":0,
                 "message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function",
                 "function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"""));
        String body = """
                {"model":"chain","max_tokens":50,
                 "tools":[{"name":"weather","description":"Weather","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"auto"},
                 "messages":[{"role":"user","content":"Weather in Bergen?"},
                   {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"weather",
                     "input":{"city":"Bergen"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"rain"},
                     {"type":"text","text":"And Oslo?"}]}]}""";
        messages(body).then().statusCode(200)
                .body("stop_reason", equalTo("tool_use"))
                .body("content[0].type", equalTo("tool_use"))
                .body("content[0].id", equalTo("call_9"))
                .body("content[0].input.city", equalTo("Oslo"));
        var sent = primary().lastRequest().json();
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("weather");
        assertThat(sent.at("/messages/1/tool_calls/0/function/arguments").asText()).contains("Bergen");
        assertThat(sent.at("/messages/2/role").asText()).isEqualTo("tool");
        assertThat(sent.at("/messages/2/tool_call_id").asText()).isEqualTo("toolu_1");
        assertThat(sent.at("/messages/3/content/0/text").asText()).isEqualTo("And Oslo?");
    }

    @Test
    void rejectsBadInputInTheAnthropicErrorShape() {
        messages("{\"model\":\"chain\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").then()
                .statusCode(400)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", org.hamcrest.Matchers.containsString("max_tokens"));
        messages("{not json").then().statusCode(400).body("error.type", equalTo("invalid_request_error"));
        messages(simple("nope", false)).then().statusCode(404).body("error.type", equalTo("not_found_error"));
        assertThat(primary().requestCount()).isZero();
    }

    @Test
    void answersWith503InTheAnthropicShapeWhenEveryTargetFails() {
        primary().setDefault(Script.json(503, "{}"));
        messages(simple("solo", false)).then().statusCode(503)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("type", equalTo("error"))
                .body("error.type", equalTo("overloaded_error"))
                .body("error.code", equalTo("all_providers_failed"));
        assertThat(secondary().requestCount()).isZero();
    }

    @Test
    void endsAnIncompleteStreamWithAnErrorEventAndNoMessageStop() {
        primary().enqueue(Script.openAiStream("Half", " an", " answer").cutAfter(1));
        String sse = messages(simple("solo", true)).asString();
        List<String> names = eventNames(sse);
        assertThat(names).doesNotContain("message_stop").last().isEqualTo("error");
    }

    static List<String> eventNames(String sse) {
        List<String> names = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.startsWith("event: ")) {
                names.add(block.substring(7, block.indexOf('\n')));
            }
        }
        return names;
    }

    static String text(String sse) {
        StringBuilder text = new StringBuilder();
        for (String e : events(sse)) {
            JsonPath p = JsonPath.from(e);
            if ("text_delta".equals(p.getString("delta.type"))) {
                text.append(p.getString("delta.text"));
            }
        }
        return text.toString();
    }
}
