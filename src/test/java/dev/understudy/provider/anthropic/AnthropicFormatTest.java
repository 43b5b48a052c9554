package dev.understudy.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChatRequest request(List<Message> messages) {
        return request(messages, null, null);
    }

    private static ChatRequest request(List<Message> messages, List<Tool> tools, JsonNode toolChoice) {
        return new ChatRequest("route", messages, tools, toolChoice, null, null, null, null, null, null, null,
                false, false, null);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static Message assistantCalling(ToolCall... calls) {
        return new Message("assistant", null, false, null, List.of(calls), null);
    }

    private static Message toolResult(String callId, String text) {
        return new Message("tool", List.of(new Part.Text(text)), true, null, null, callId);
    }

    @Test
    void extractsSystemAndDeveloperMessagesIntoTheSystemField() {
        var body = AnthropicFormat.toProviderRequest(request(List.of(
                Message.text("system", "Be brief."),
                Message.text("developer", "Answer in French."),
                Message.text("user", "Hello"))), "claude-x", false);

        assertThat(body.path("model").asText()).isEqualTo("claude-x");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(body.path("system").asText()).isEqualTo("Be brief.\n\nAnswer in French.");
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("Hello");
        assertThat(body.has("stream")).isFalse();
    }

    @Test
    void omitsSystemWhenThereIsNoneAndMapsSamplingFields() {
        var req = new ChatRequest("route", List.of(Message.text("user", "Hi")), null, null, 1.7, 0.9, 100,
                List.of("END", " "), JSON.createObjectNode().put("type", "json_object"), 42L, "u-1", true, false,
                null);
        var body = AnthropicFormat.toProviderRequest(req, "claude-x", true);

        assertThat(body.has("system")).isFalse();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("temperature").asDouble()).isEqualTo(1.0);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("stop_sequences").toString()).isEqualTo("[\"END\"]");
        assertThat(body.path("metadata").path("user_id").asText()).isEqualTo("u-1");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.has("response_format")).isFalse();
        assertThat(body.has("seed")).isFalse();
    }

    @Test
    void mapsBase64AndUrlImagesToImageBlocks() {
        var user = new Message("user", List.of(new Part.Text("What is this?"),
                Part.Image.fromUrl("data:image/png;base64,iVBORw0KGgo=", null),
                Part.Image.fromUrl("https://example.com/cat.jpg", "high")), false, null, null, null);
        var content = AnthropicFormat.toProviderRequest(request(List.of(user)), "m", false)
                .path("messages").get(0).path("content");

        assertThat(content).hasSize(3);
        assertThat(content.get(0).path("type").asText()).isEqualTo("text");
        assertThat(content.get(1).path("source").path("type").asText()).isEqualTo("base64");
        assertThat(content.get(1).path("source").path("media_type").asText()).isEqualTo("image/png");
        assertThat(content.get(1).path("source").path("data").asText()).isEqualTo("iVBORw0KGgo=");
        assertThat(content.get(2).path("type").asText()).isEqualTo("image");
        assertThat(content.get(2).path("source").path("type").asText()).isEqualTo("url");
        assertThat(content.get(2).path("source").path("url").asText()).isEqualTo("https://example.com/cat.jpg");
    }

    @Test
    void mapsToolCallsToToolUseBlocksAndToolsToInputSchemas() throws Exception {
        var tools = List.of(new Tool("weather", "Get weather", json("{\"type\":\"object\",\"properties\":{}}"),
                null), new Tool("now", null, null, null));
        var body = AnthropicFormat.toProviderRequest(request(List.of(
                Message.text("user", "Weather?"),
                assistantCalling(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}"),
                        new ToolCall("call_2", "now", "not json")),
                toolResult("call_1", "sunny"),
                toolResult("call_2", "noon")), tools, null), "m", false);

        var messages = body.path("messages");
        assertThat(messages).hasSize(3);
        var use = messages.get(1).path("content");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(use.get(0).path("type").asText()).isEqualTo("tool_use");
        assertThat(use.get(0).path("id").asText()).isEqualTo("call_1");
        assertThat(use.get(0).path("name").asText()).isEqualTo("weather");
        assertThat(use.get(0).path("input").path("city").asText()).isEqualTo("Paris");
        assertThat(use.get(1).path("input").toString()).isEqualTo("{}");
        assertThat(body.path("tools").get(0).path("input_schema").path("type").asText()).isEqualTo("object");
        assertThat(body.path("tools").get(0).path("description").asText()).isEqualTo("Get weather");
        assertThat(body.path("tools").get(1).path("input_schema").toString()).isEqualTo("{\"type\":\"object\"}");
    }

    @Test
    void mergesConsecutiveToolResultsIntoOneUserTurn() {
        var body = AnthropicFormat.toProviderRequest(request(List.of(
                Message.text("user", "Weather?"),
                assistantCalling(new ToolCall("a", "w", "{}"), new ToolCall("b", "w", "{}")),
                toolResult("a", "sunny"),
                toolResult("b", "rainy"),
                Message.text("user", "Summarise"))), "m", false);

        var messages = body.path("messages");
        assertThat(messages).hasSize(3);
        var results = messages.get(2);
        assertThat(results.path("role").asText()).isEqualTo("user");
        assertThat(results.path("content")).hasSize(3);
        assertThat(results.path("content").get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(results.path("content").get(0).path("tool_use_id").asText()).isEqualTo("a");
        assertThat(results.path("content").get(0).path("content").asText()).isEqualTo("sunny");
        assertThat(results.path("content").get(1).path("tool_use_id").asText()).isEqualTo("b");
        assertThat(results.path("content").get(2).path("text").asText()).isEqualTo("Summarise");
    }

    @Test
    void mergesConsecutiveSameRoleTurnsSoRolesAlternate() {
        var body = AnthropicFormat.toProviderRequest(request(List.of(
                Message.text("user", "One"), Message.text("user", "Two"), Message.text("assistant", "Ok"))),
                "m", false);

        var messages = body.path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).path("content").toString())
                .isEqualTo("[{\"type\":\"text\",\"text\":\"One\"},{\"type\":\"text\",\"text\":\"Two\"}]");
    }

    @Test
    void mapsEveryToolChoiceForm() throws Exception {
        var tools = List.of(new Tool("w", null, null, null));
        var msgs = List.of(Message.text("user", "x"));
        assertThat(AnthropicFormat.toProviderRequest(request(msgs, tools, TextNode.valueOf("auto")), "m", false)
                .path("tool_choice").toString()).isEqualTo("{\"type\":\"auto\"}");
        assertThat(AnthropicFormat.toProviderRequest(request(msgs, tools, TextNode.valueOf("required")), "m",
                false).path("tool_choice").toString()).isEqualTo("{\"type\":\"any\"}");
        assertThat(AnthropicFormat.toProviderRequest(request(msgs, tools, TextNode.valueOf("none")), "m", false)
                .path("tool_choice").toString()).isEqualTo("{\"type\":\"none\"}");
        var named = json("{\"type\":\"function\",\"function\":{\"name\":\"w\"}}");
        assertThat(AnthropicFormat.toProviderRequest(request(msgs, tools, named), "m", false)
                .path("tool_choice").toString()).isEqualTo("{\"type\":\"tool\",\"name\":\"w\"}");
        assertThat(AnthropicFormat.toProviderRequest(request(msgs, tools, null), "m", false).has("tool_choice"))
                .isFalse();
    }

    @Test
    void stripsTrailingWhitespaceFromAFinalAssistantPrefill() {
        var req = request(List.of(Message.text("user", "Write JSON"))).withAssistantPrefill("{\n  ");
        var messages = AnthropicFormat.toProviderRequest(req, "m", false).path("messages");

        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("{");
    }

    @Test
    void keepsWhitespaceOfAnAssistantTurnThatIsNotLast() {
        var messages = AnthropicFormat.toProviderRequest(request(List.of(Message.text("user", "a"),
                Message.text("assistant", "b \n"), Message.text("user", "c"))), "m", false).path("messages");

        assertThat(messages.get(1).path("content").asText()).isEqualTo("b \n");
    }

    @Test
    void dropsAWhitespaceOnlyPrefill() {
        var req = request(List.of(Message.text("user", "Hi"))).withAssistantPrefill("  ");
        assertThat(AnthropicFormat.toProviderRequest(req, "m", false).path("messages")).hasSize(1);
    }

    @Test
    void mapsAResponseWithTextAndToolUse() throws Exception {
        ChatResponse r = AnthropicFormat.fromProviderResponse(json("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
                 "content":[{"type":"text","text":"Let me "},{"type":"text","text":"check."},
                            {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","usage":{"input_tokens":12,"output_tokens":7}}"""));

        assertThat(r.id()).isEqualTo("msg_1");
        assertThat(r.model()).isEqualTo("claude-x");
        assertThat(r.content()).isEqualTo("Let me check.");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("toolu_1", "weather", "{\"city\":\"Paris\"}"));
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.usage().promptTokens()).isEqualTo(12);
        assertThat(r.usage().completionTokens()).isEqualTo(7);
        assertThat(r.created()).isPositive();
    }

    @Test
    void mapsEveryStopReason() throws Exception {
        assertThat(finishOf("end_turn")).isEqualTo("stop");
        assertThat(finishOf("stop_sequence")).isEqualTo("stop");
        assertThat(finishOf("max_tokens")).isEqualTo("length");
        assertThat(finishOf("tool_use")).isEqualTo("tool_calls");
        assertThat(finishOf("refusal")).isEqualTo("content_filter");
    }

    private static String finishOf(String stopReason) throws Exception {
        return AnthropicFormat.fromProviderResponse(json("{\"content\":[{\"type\":\"text\",\"text\":\"x\"}],"
                + "\"stop_reason\":\"" + stopReason + "\"}")).finishReason();
    }

    @Test
    void returnsNullContentWhenTheResponseHasNoText() throws Exception {
        var r = AnthropicFormat.fromProviderResponse(json("{\"content\":[],\"stop_reason\":\"end_turn\"}"));
        assertThat(r.content()).isNull();
        assertThat(r.toolCalls()).isNull();
    }

    @Test
    void rejectsAResponseWithoutContentAsMalformed() throws Exception {
        assertThatThrownBy(() -> AnthropicFormat.fromProviderResponse(json("{\"id\":\"x\"}")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.MALFORMED));
    }

    @Test
    void decodesAFullStreamedTextAnswer() {
        var decoder = new AnthropicFormat.StreamDecoder();
        List<ChatChunk> chunks = new ArrayList<>();
        chunks.addAll(decoder.decode("message_start", """
                {"type":"message_start","message":{"id":"msg_1","model":"claude-x","content":[],
                 "usage":{"input_tokens":25,"output_tokens":1}}}"""));
        chunks.addAll(decoder.decode("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        chunks.addAll(decoder.decode("ping", "{\"type\":\"ping\"}"));
        chunks.addAll(decoder.decode("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}"));
        chunks.addAll(decoder.decode("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}"));
        chunks.addAll(decoder.decode("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        chunks.addAll(decoder.decode("message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}"));
        chunks.addAll(decoder.decode("message_stop", "{\"type\":\"message_stop\"}"));

        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(0).text()).isEqualTo("Hel");
        assertThat(chunks.get(1).text()).isEqualTo("lo");
        assertThat(chunks.get(2).finishReason()).isEqualTo("stop");
        assertThat(chunks.get(2).usage().promptTokens()).isEqualTo(25);
        assertThat(chunks.get(2).usage().completionTokens()).isEqualTo(15);
        assertThat(AnthropicFormat.isTerminal("message_stop")).isTrue();
        assertThat(AnthropicFormat.isTerminal("message_delta")).isFalse();
    }

    @Test
    void decodesAStreamedToolCallWithToolIndexesCountedPerMessage() {
        var decoder = new AnthropicFormat.StreamDecoder();
        decoder.decode("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}}");
        decoder.decode("content_block_start",
                "{\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}");
        assertThat(decoder.decode("content_block_delta",
                "{\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}")).isEmpty();
        var start = decoder.decode("content_block_start", """
                {"type":"content_block_start","index":1,
                 "content_block":{"type":"tool_use","id":"toolu_1","name":"weather","input":{}}}""");
        var empty = decoder.decode("content_block_delta",
                "{\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}");
        var part1 = decoder.decode("content_block_delta",
                "{\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}");
        var part2 = decoder.decode("content_block_delta",
                "{\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}");
        var second = decoder.decode("content_block_start",
                "{\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"now\"}}");
        var finish = decoder.decode("message_delta",
                "{\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}");

        assertThat(start).singleElement().satisfies(c -> assertThat(c.toolCalls())
                .containsExactly(new ChatChunk.ToolCallDelta(0, "toolu_1", "weather", "")));
        assertThat(empty).isEmpty();
        assertThat(part1.get(0).toolCalls())
                .containsExactly(new ChatChunk.ToolCallDelta(0, null, null, "{\"city\":"));
        assertThat(part2.get(0).toolCalls())
                .containsExactly(new ChatChunk.ToolCallDelta(0, null, null, "\"Paris\"}"));
        assertThat(second.get(0).toolCalls().get(0).index()).isEqualTo(1);
        assertThat(finish.get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(finish.get(0).usage().promptTokens()).isEqualTo(5);
    }

    @Test
    void throwsAStreamErrorForAnInBandErrorEvent() {
        var decoder = new AnthropicFormat.StreamDecoder();
        assertThatThrownBy(() -> decoder.decode("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.STREAM_ERROR);
                    assertThat(e.getMessage()).isEqualTo("Overloaded");
                    assertThat(e.errorType()).isEqualTo("overloaded_error");
                });
    }

    @Test
    void throwsMalformedForDataThatIsNotJson() {
        var decoder = new AnthropicFormat.StreamDecoder();
        assertThatThrownBy(() -> decoder.decode("content_block_delta", "{not json"))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.MALFORMED));
    }

    @Test
    void ignoresUnknownEventsAndUsesTheTypeFieldWhenTheEventHasNoName() {
        var decoder = new AnthropicFormat.StreamDecoder();
        assertThat(decoder.decode("future_event", "{\"type\":\"future_event\"}")).isEmpty();
        assertThat(decoder.decode(null,
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}"))
                .containsExactly(ChatChunk.text("x"));
    }
}
