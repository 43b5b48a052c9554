package dev.understudy.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatChunk.ToolCallDelta;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure mapping between the canonical (OpenAI-shaped) form and Anthropic's Messages API:
 * request bodies, complete responses and the SSE event stream. No I/O, no CDI.
 */
public final class AnthropicFormat {

    static final int DEFAULT_MAX_TOKENS = 4096;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AnthropicFormat() {
    }

    // ---------------------------------------------------------------- request

    /** The Messages API request body for {@code req}, sent to {@code model}. */
    public static ObjectNode toProviderRequest(ChatRequest req, String model, boolean stream) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", req.maxTokens() != null ? req.maxTokens() : DEFAULT_MAX_TOKENS);

        List<String> system = new ArrayList<>();
        List<Turn> turns = new ArrayList<>();
        for (Message m : req.messages()) {
            switch (m.role()) {
                case "system", "developer" -> {
                    String t = m.text();
                    if (!t.isEmpty()) {
                        system.add(t);
                    }
                }
                case "tool" -> add(turns, new Turn("user", toolResult(m), false));
                case "assistant" -> add(turns, new Turn("assistant", blocks(m), isPlain(m)));
                default -> add(turns, new Turn("user", blocks(m), isPlain(m)));
            }
        }
        stripPrefill(turns);
        if (!system.isEmpty()) {
            body.put("system", String.join("\n\n", system));
        }
        ArrayNode messages = body.putArray("messages");
        for (Turn t : turns) {
            ObjectNode msg = messages.addObject().put("role", t.role);
            if (t.plain && t.blocks.size() == 1) {
                msg.put("content", t.blocks.get(0).path("text").asText());
            } else {
                msg.set("content", t.blocks);
            }
        }

        if (req.temperature() != null) {
            // OpenAI accepts 0..2, Anthropic 0..1: clamp rather than have the provider reject the request
            body.put("temperature", Math.max(0.0, Math.min(1.0, req.temperature())));
        }
        if (req.topP() != null) {
            body.put("top_p", req.topP());
        }
        if (req.stop() != null && !req.stop().isEmpty()) {
            ArrayNode stops = MAPPER.createArrayNode();
            // Anthropic rejects stop sequences made only of whitespace
            req.stop().stream().filter(s -> s != null && !s.isBlank()).forEach(stops::add);
            if (!stops.isEmpty()) {
                body.set("stop_sequences", stops);
            }
        }
        if (req.tools() != null && !req.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : req.tools()) {
                ObjectNode t = tools.addObject().put("name", tool.name());
                if (tool.description() != null) {
                    t.put("description", tool.description());
                }
                JsonNode schema = tool.parameters();
                t.set("input_schema", schema != null && schema.isObject()
                        ? schema : MAPPER.createObjectNode().put("type", "object"));
            }
            ObjectNode choice = toolChoice(req.toolChoice());
            if (choice != null) {
                body.set("tool_choice", choice);
            }
        }
        if (req.user() != null && !req.user().isBlank()) {
            body.putObject("metadata").put("user_id", req.user());
        }
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    /** OpenAI tool_choice → Anthropic tool_choice; null when absent or not understood. */
    static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull() || choice.isMissingNode()) {
            return null;
        }
        String kind = choice.isTextual() ? choice.asText() : choice.path("type").asText();
        return switch (kind) {
            case "auto" -> MAPPER.createObjectNode().put("type", "auto");
            case "required", "any" -> MAPPER.createObjectNode().put("type", "any");
            case "none" -> MAPPER.createObjectNode().put("type", "none");
            case "function", "tool" -> {
                String name = choice.path("function").path("name").asText(choice.path("name").asText(""));
                yield name.isEmpty() ? null : MAPPER.createObjectNode().put("type", "tool").put("name", name);
            }
            default -> null;
        };
    }

    /** One Anthropic turn; {@code plain} turns with a single text block are sent as a string. */
    private record Turn(String role, ArrayNode blocks, boolean plain) {
    }

    /** Appends a turn, merging it into the previous one of the same role (Anthropic requires alternation). */
    private static void add(List<Turn> turns, Turn turn) {
        if (turn.blocks.isEmpty()) {
            return; // Anthropic rejects empty content
        }
        Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last != null && last.role.equals(turn.role)) {
            last.blocks.addAll(turn.blocks);
            turns.set(turns.size() - 1, new Turn(last.role, last.blocks, false));
        } else {
            turns.add(turn);
        }
    }

    private static boolean isPlain(Message m) {
        return m.plainText() && m.content() != null && m.content().size() == 1
                && m.content().get(0) instanceof Part.Text && (m.toolCalls() == null || m.toolCalls().isEmpty());
    }

    private static ArrayNode blocks(Message m) {
        ArrayNode blocks = MAPPER.createArrayNode();
        if (m.content() != null) {
            for (Part p : m.content()) {
                if (p instanceof Part.Text t) {
                    if (t.text() != null && !t.text().isEmpty()) {
                        blocks.addObject().put("type", "text").put("text", t.text());
                    }
                } else if (p instanceof Part.Image img) {
                    ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
                    if (img.url() != null) {
                        source.put("type", "url").put("url", img.url());
                    } else {
                        source.put("type", "base64").put("media_type", img.mediaType()).put("data", img.base64());
                    }
                }
            }
        }
        if (m.toolCalls() != null) {
            for (ToolCall call : m.toolCalls()) {
                blocks.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                        .set("input", dev.understudy.provider.json.Json.argumentsObject(call.arguments()));
            }
        }
        return blocks;
    }

    private static ArrayNode toolResult(Message m) {
        ArrayNode blocks = MAPPER.createArrayNode();
        blocks.addObject().put("type", "tool_result").put("tool_use_id", m.toolCallId()).put("content", m.text());
        return blocks;
    }

    /** A final assistant turn is a prefill, which Anthropic rejects when it ends in whitespace. */
    private static void stripPrefill(List<Turn> turns) {
        if (turns.isEmpty() || !"assistant".equals(turns.get(turns.size() - 1).role)) {
            return;
        }
        Turn last = turns.get(turns.size() - 1);
        JsonNode block = last.blocks.get(last.blocks.size() - 1);
        if ("text".equals(block.path("type").asText())) {
            String text = block.path("text").asText().stripTrailing();
            if (text.isEmpty()) {
                last.blocks.remove(last.blocks.size() - 1);
                if (last.blocks.isEmpty()) {
                    turns.remove(turns.size() - 1);
                }
            } else {
                ((ObjectNode) block).put("text", text);
            }
        }
    }

    // --------------------------------------------------------------- response

    /** A complete Messages API response → canonical answer. */
    public static ChatResponse fromProviderResponse(JsonNode body) {
        if (body == null || !body.path("content").isArray()) {
            throw new ProviderException(Failure.MALFORMED, "Anthropic response has no content array");
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : body.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    text.append(block.path("text").asText());
                    hasText = true;
                }
                case "tool_use" -> calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(),
                        block.has("input") ? block.get("input").toString() : "{}"));
                default -> {
                    // thinking, redacted_thinking, server tool blocks: not part of the canonical answer
                }
            }
        }
        JsonNode usage = body.path("usage");
        return ChatResponse.fromBlocks(body.path("id").asText(null), body.path("model").asText(null),
                hasText ? text.toString() : null, calls, finishReason(body.path("stop_reason").asText(null)),
                new Usage(inputTokens(usage), usage.path("output_tokens").asInt(0)));
    }

    /** Anthropic stop_reason → OpenAI finish reason; null stays null. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** Prompt tokens including cached ones, which Anthropic reports apart from input_tokens. */
    private static int inputTokens(JsonNode usage) {
        return usage.path("input_tokens").asInt(0) + usage.path("cache_creation_input_tokens").asInt(0)
                + usage.path("cache_read_input_tokens").asInt(0);
    }

    // ----------------------------------------------------------------- stream

    /** True for the event after which Anthropic sends nothing more. */
    public static boolean isTerminal(String eventName) {
        return "message_stop".equals(eventName);
    }

    /** Decodes one Anthropic SSE stream into canonical chunks. Stateful: one instance per stream. */
    public static final class StreamDecoder {

        private int inputTokens;
        private int toolCount;
        private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();

        /**
         * The chunks one SSE event yields (often none). {@code eventName} may be null, in which case
         * the event's {@code type} field is used.
         *
         * @throws ProviderException MALFORMED when data is not JSON, STREAM_ERROR on an error event
         */
        public List<ChatChunk> decode(String eventName, String data) {
            JsonNode json;
            try {
                json = data == null || data.isBlank() ? null : Json.tree(data);
            } catch (JsonProcessingException e) {
                throw new ProviderException(Failure.MALFORMED, "Anthropic stream event is not JSON: "
                        + e.getOriginalMessage());
            }
            if (json == null || !json.isObject()) {
                if ("ping".equals(eventName) || "message_stop".equals(eventName)
                        || "content_block_stop".equals(eventName)) {
                    return List.of(); // nothing to read in these anyway
                }
                throw new ProviderException(Failure.MALFORMED, "Anthropic stream event has no JSON object");
            }
            String type = eventName != null && !eventName.isBlank() ? eventName : json.path("type").asText();
            return switch (type) {
                case "message_start" -> {
                    inputTokens = inputTokens(json.path("message").path("usage"));
                    yield List.of();
                }
                case "content_block_start" -> blockStart(json.path("index").asInt(), json.path("content_block"));
                case "content_block_delta" -> blockDelta(json.path("index").asInt(), json.path("delta"));
                case "message_delta" -> {
                    JsonNode usage = json.path("usage");
                    int in = usage.has("input_tokens") ? Math.max(inputTokens, inputTokens(usage)) : inputTokens;
                    String finish = finishReason(json.path("delta").path("stop_reason").asText(null));
                    yield List.of(new ChatChunk(null, null, finish,
                            new Usage(in, usage.path("output_tokens").asInt(0))));
                }
                case "error" -> {
                    JsonNode error = json.path("error");
                    String message = error.path("message").asText("Anthropic stream error");
                    throw new ProviderException(Failure.STREAM_ERROR, 0, message, null,
                            error.path("type").asText(null), null);
                }
                default -> List.of(); // content_block_stop, message_stop, ping, unknown
            };
        }

        private List<ChatChunk> blockStart(int blockIndex, JsonNode block) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    String text = block.path("text").asText("");
                    return text.isEmpty() ? List.of() : List.of(ChatChunk.text(text));
                }
                case "tool_use" -> {
                    int index = toolCount++;
                    toolIndexByBlock.put(blockIndex, index);
                    ToolCallDelta delta = new ToolCallDelta(index, block.path("id").asText(null),
                            block.path("name").asText(null), "");
                    return List.of(new ChatChunk(null, List.of(delta), null, null));
                }
                default -> {
                    return List.of();
                }
            }
        }

        private List<ChatChunk> blockDelta(int blockIndex, JsonNode delta) {
            switch (delta.path("type").asText()) {
                case "text_delta" -> {
                    String text = delta.path("text").asText("");
                    return text.isEmpty() ? List.of() : List.of(ChatChunk.text(text));
                }
                case "input_json_delta" -> {
                    Integer index = toolIndexByBlock.get(blockIndex);
                    String json = delta.path("partial_json").asText("");
                    if (index == null || json.isEmpty()) {
                        return List.of();
                    }
                    ToolCallDelta d = new ToolCallDelta(index, null, null, json);
                    return List.of(new ChatChunk(null, List.of(d), null, null));
                }
                default -> {
                    return List.of(); // thinking_delta, signature_delta, citations_delta
                }
            }
        }
    }
}
