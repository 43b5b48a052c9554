package dev.understudy.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ChunkAccumulator;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both directions of the Converse translation, ConverseStream events included. */
class BedrockFormatTest {

    static ChatRequest request(List<Message> messages) {
        return new ChatRequest("r", messages, null, null, null, null, null, null, null, null, null, false, false, null);
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ---------------------------------------------------------------- request

    @Test
    void mapsSystemUserAndAssistantTurnsIntoConverseMessagesAndSystemBlocks() {
        ObjectNode body = BedrockFormat.toConverseRequest(request(List.of(
                Message.text("system", "Be brief."), Message.text("developer", "Answer in French."),
                Message.text("user", "Hi"), Message.text("assistant", "Bonjour"), Message.text("user", "Bye"))));
        assertThat(body.get("system")).isEqualTo(json("[{\"text\":\"Be brief.\"},{\"text\":\"Answer in French.\"}]"));
        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role":"user","content":[{"text":"Hi"}]},
                 {"role":"assistant","content":[{"text":"Bonjour"}]},
                 {"role":"user","content":[{"text":"Bye"}]}]"""));
        assertThat(body.has("inferenceConfig")).isFalse();
        assertThat(body.has("toolConfig")).isFalse();
    }

    @Test
    void mergesConsecutiveTurnsOfOneRoleAndDropsEmptyText() {
        ObjectNode body = BedrockFormat.toConverseRequest(request(List.of(
                Message.text("user", "one"), Message.text("user", ""), Message.text("user", "two"))));
        assertThat(body.get("messages")).isEqualTo(json("[{\"role\":\"user\",\"content\":[{\"text\":\"one\"},"
                + "{\"text\":\"two\"}]}]"));
    }

    @Test
    void mapsSamplingSettingsIntoInferenceConfigClampingTemperature() {
        ChatRequest r = new ChatRequest("r", List.of(Message.text("user", "hi")), null, null, 1.7, 0.9, 256,
                List.of("END", " ", "STOP"), null, 7L, "u-1", false, false, null);
        assertThat(BedrockFormat.toConverseRequest(r).get("inferenceConfig")).isEqualTo(json(
                "{\"maxTokens\":256,\"temperature\":1.0,\"topP\":0.9,\"stopSequences\":[\"END\",\"STOP\"]}"));
    }

    @Test
    void sendsInlineImagesAsBase64BytesWithTheirFormat() {
        Message m = new Message("user", List.of(new Part.Text("What is this?"),
                Part.Image.fromUrl("data:image/jpg;base64,AAAA", null)), false, null, null, null);
        JsonNode content = BedrockFormat.toConverseRequest(request(List.of(m))).at("/messages/0/content");
        assertThat(content.get(1)).isEqualTo(json("{\"image\":{\"format\":\"jpeg\",\"source\":{\"bytes\":\"AAAA\"}}}"));
    }

    @Test
    void refusesAnImageByHttpUrlBecauseBedrockDoesNotFetchThem() {
        Message m = new Message("user", List.of(Part.Image.fromUrl("https://example.com/cat.png", null)), false,
                null, null, null);
        assertThatThrownBy(() -> BedrockFormat.toConverseRequest(request(List.of(m))))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.BAD_REQUEST));
    }

    @Test
    void mapsToolsToolChoiceToolCallsAndToolResults() {
        JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
        List<Message> messages = List.of(Message.text("user", "Weather in Paris?"),
                new Message("assistant", null, false, null, List.of(new ToolCall("call_1", "weather",
                        "{\"city\":\"Paris\"}")), null),
                new Message("tool", List.of(new Part.Text("18 °C")), true, null, null, "call_1"));
        ChatRequest r = new ChatRequest("r", messages, List.of(new Tool("weather", "Current weather", schema, null)),
                json("{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}"), null, null, null, null, null,
                null, null, false, false, null);
        ObjectNode body = BedrockFormat.toConverseRequest(r);
        assertThat(body.at("/messages/1")).isEqualTo(json("""
                {"role":"assistant","content":[{"toolUse":{"toolUseId":"call_1","name":"weather",\
                "input":{"city":"Paris"}}}]}"""));
        assertThat(body.at("/messages/2")).isEqualTo(json("""
                {"role":"user","content":[{"toolResult":{"toolUseId":"call_1","content":[{"text":"18 °C"}]}}]}"""));
        assertThat(body.get("toolConfig")).isEqualTo(json("""
                {"tools":[{"toolSpec":{"name":"weather","description":"Current weather",\
                "inputSchema":{"json":%s}}}],"toolChoice":{"tool":{"name":"weather"}}}""".formatted(schema)));
    }

    @Test
    void leavesToolsOutWhenTheCallerSaysNoneAndNoToolWasUsed() {
        ChatRequest r = new ChatRequest("r", List.of(Message.text("user", "hi")),
                List.of(new Tool("t", null, null, null)), json("\"none\""), null, null, null, null, null, null, null,
                false, false, null);
        assertThat(BedrockFormat.toConverseRequest(r).has("toolConfig")).isFalse();
    }

    @Test
    void sendsAFinalAssistantTurnAsAPrefillWithoutTrailingWhitespace() {
        ChatRequest r = request(List.of(Message.text("user", "A poem?"))).withAssistantPrefill("Roses are red, \n");
        JsonNode messages = BedrockFormat.toConverseRequest(r).get("messages");
        assertThat(messages.get(messages.size() - 1)).isEqualTo(json(
                "{\"role\":\"assistant\",\"content\":[{\"text\":\"Roses are red,\"}]}"));
    }

    // --------------------------------------------------------------- response

    @Test
    void readsTextToolUseStopReasonAndUsageFromAConverseResponse() {
        ChatResponse r = BedrockFormat.fromConverseResponse(json("""
                {"output":{"message":{"role":"assistant","content":[{"text":"Let me check."},
                  {"toolUse":{"toolUseId":"tooluse_1","name":"weather","input":{"city":"Paris"}}}]}},
                 "stopReason":"tool_use",
                 "usage":{"inputTokens":20,"outputTokens":9,"totalTokens":29,"cacheReadInputTokens":5},
                 "metrics":{"latencyMs":321}}"""));
        assertThat(r.content()).isEqualTo("Let me check.");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("tooluse_1", "weather", "{\"city\":\"Paris\"}"));
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.usage().promptTokens()).isEqualTo(25);
        assertThat(r.usage().completionTokens()).isEqualTo(9);
    }

    @Test
    void mapsEveryStopReasonToAnOpenAiFinishReason() {
        assertThat(Map.of("end_turn", "stop", "stop_sequence", "stop", "max_tokens", "length", "tool_use",
                "tool_calls", "guardrail_intervened", "content_filter", "content_filtered", "content_filter",
                "model_context_window_exceeded", "length")).allSatisfy(
                        (bedrock, openAi) -> assertThat(BedrockFormat.finishReason(bedrock)).isEqualTo(openAi));
    }

    @Test
    void turnsAGuardrailInterventionIntoARefusal() {
        ChatResponse r = BedrockFormat.fromConverseResponse(json("""
                {"output":{"message":{"role":"assistant","content":[{"text":"Sorry, I can't help with that."}]}},
                 "stopReason":"guardrail_intervened","usage":{"inputTokens":3,"outputTokens":0}}"""));
        assertThat(r.content()).isNull();
        assertThat(r.refusal()).isEqualTo("Sorry, I can't help with that.");
        assertThat(r.finishReason()).isEqualTo("content_filter");
    }

    @Test
    void treatsAResponseWithoutContentAsMalformed() {
        assertThatThrownBy(() -> BedrockFormat.fromConverseResponse(json("{\"message\":\"hm\"}")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.MALFORMED));
    }

    // ----------------------------------------------------------------- stream

    @Test
    void decodesAStreamOfTextAndToolUseEventsIntoChunks() {
        BedrockFormat.StreamDecoder decoder = new BedrockFormat.StreamDecoder();
        List<ChatChunk> chunks = new ArrayList<>();
        for (EventStreamDecoder.Message m : List.of(
                event("messageStart", "{\"role\":\"assistant\"}"),
                event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Checking\"},\"p\":\"ab\"}"),
                event("contentBlockStop", "{\"contentBlockIndex\":0}"),
                event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"tu_1\","
                        + "\"name\":\"weather\"}}}"),
                event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\"}}}"),
                event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"\\\":\\\"Oslo\\\"}\"}}}"),
                event("contentBlockStop", "{\"contentBlockIndex\":1}"),
                event("messageStop", "{\"stopReason\":\"tool_use\"}"),
                event("metadata", "{\"usage\":{\"inputTokens\":12,\"outputTokens\":7,\"totalTokens\":19},"
                        + "\"metrics\":{\"latencyMs\":40}}"))) {
            chunks.addAll(decoder.decode(m));
        }
        ChunkAccumulator answer = new ChunkAccumulator();
        chunks.forEach(answer::add);
        ChatResponse r = answer.toResponse(null, null, 0);
        assertThat(r.content()).isEqualTo("Checking");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("tu_1", "weather", "{\"city\":\"Oslo\"}"));
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.usage().promptTokens()).isEqualTo(12);
        assertThat(r.usage().completionTokens()).isEqualTo(7);
        assertThat(BedrockFormat.isTerminal(event("metadata", "{}"))).isTrue();
    }

    @Test
    void failsWithAStreamErrorOnAnInBandThrottlingException() {
        EventStreamDecoder.Message m = new EventStreamDecoder.Message(Map.of(":message-type", "exception",
                ":exception-type", "throttlingException"),
                "{\"message\":\"Too many tokens\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new BedrockFormat.StreamDecoder().decode(m))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.STREAM_ERROR);
                    assertThat(e.errorType()).isEqualTo("throttlingException");
                    assertThat(e.getMessage()).isEqualTo("throttlingException: Too many tokens");
                });
    }

    @Test
    void reportsAnEventWhosePayloadIsNotJsonAsMalformed() {
        assertThatThrownBy(() -> new BedrockFormat.StreamDecoder().decode(event("contentBlockDelta", "{not json")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.MALFORMED));
    }

    static EventStreamDecoder.Message event(String type, String json) {
        return new EventStreamDecoder.Message(Map.of(":event-type", type, ":message-type", "event",
                ":content-type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    }
}
