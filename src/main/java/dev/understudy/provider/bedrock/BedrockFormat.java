package dev.understudy.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Locale;
import java.util.Map;

/**
 * Pure mapping between the canonical (OpenAI-shaped) form and the Bedrock Runtime Converse API: request
 * bodies, complete responses and ConverseStream events. No I/O, no signing; the model id travels in the URL.
 * Idempotent, so a retry or a continuation may map the same request again.
 */
public final class BedrockFormat {

    private BedrockFormat() {
    }

    // ---------------------------------------------------------------- request

    /** The Converse (and ConverseStream: same body) request for {@code req}. */
    public static ObjectNode toConverseRequest(ChatRequest req) {
        ObjectNode body = Json.object();
        ArrayNode system = Json.array();
        List<Turn> turns = new ArrayList<>();
        for (Message m : req.messages()) {
            switch (m.role()) {
                case "system", "developer" -> {
                    String t = m.text();
                    if (!t.isEmpty()) {
                        system.addObject().put("text", t);
                    }
                }
                case "tool" -> add(turns, new Turn("user", toolResult(m)));
                case "assistant" -> add(turns, new Turn("assistant", blocks(m)));
                default -> add(turns, new Turn("user", blocks(m)));
            }
        }
        stripPrefill(turns);
        ArrayNode messages = body.putArray("messages");
        for (Turn t : turns) {
            messages.addObject().put("role", t.role).set("content", t.blocks);
        }
        if (!system.isEmpty()) {
            body.set("system", system);
        }
        ObjectNode inference = inferenceConfig(req);
        if (!inference.isEmpty()) {
            body.set("inferenceConfig", inference);
        }
        ObjectNode tools = toolConfig(req, turns);
        if (tools != null) {
            body.set("toolConfig", tools);
        }
        return body;
    }

    private static ObjectNode inferenceConfig(ChatRequest req) {
        ObjectNode c = Json.object();
        if (req.maxTokens() != null) {
            c.put("maxTokens", req.maxTokens());
        }
        if (req.temperature() != null) {
            // OpenAI accepts 0..2; the models on Bedrock take 0..1: clamp rather than be rejected
            c.put("temperature", Math.max(0.0, Math.min(1.0, req.temperature())));
        }
        if (req.topP() != null) {
            c.put("topP", req.topP());
        }
        if (req.stop() != null) {
            ArrayNode stops = Json.array();
            req.stop().stream().filter(s -> s != null && !s.isBlank()).forEach(stops::add);
            if (!stops.isEmpty()) {
                c.set("stopSequences", stops);
            }
        }
        return c;
    }

    /** toolConfig, or null; Bedrock requires it whenever the history holds toolUse/toolResult blocks. */
    private static ObjectNode toolConfig(ChatRequest req, List<Turn> turns) {
        if (req.tools() == null || req.tools().isEmpty()) {
            return null;
        }
        String choice = choiceKind(req.toolChoice());
        if ("none".equals(choice) && !usesTools(turns)) {
            return null; // Converse has no "none": offering no tools is the same thing
        }
        ObjectNode config = Json.object();
        ArrayNode tools = config.putArray("tools");
        for (Tool tool : req.tools()) {
            ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", tool.name());
            if (tool.description() != null && !tool.description().isBlank()) {
                spec.put("description", tool.description());
            }
            JsonNode schema = tool.parameters();
            spec.putObject("inputSchema").set("json", schema != null && schema.isObject()
                    ? schema : Json.object().put("type", "object"));
        }
        switch (choice) {
            case "auto" -> config.putObject("toolChoice").putObject("auto");
            case "required", "any" -> config.putObject("toolChoice").putObject("any");
            case "function", "tool" -> {
                JsonNode c = req.toolChoice();
                String name = c.path("function").path("name").asText(c.path("name").asText(""));
                if (!name.isEmpty()) {
                    config.putObject("toolChoice").putObject("tool").put("name", name);
                }
            }
            default -> {
                // absent or "none" with tool history: the model's default (auto)
            }
        }
        return config;
    }

    private static String choiceKind(JsonNode choice) {
        if (choice == null || choice.isNull() || choice.isMissingNode()) {
            return "";
        }
        return choice.isTextual() ? choice.asText() : choice.path("type").asText();
    }

    private static boolean usesTools(List<Turn> turns) {
        for (Turn t : turns) {
            for (JsonNode b : t.blocks) {
                if (b.has("toolUse") || b.has("toolResult")) {
                    return true;
                }
            }
        }
        return false;
    }

    private record Turn(String role, ArrayNode blocks) {
    }

    /** Appends a turn, merged into the previous one of the same role: Converse requires alternation. */
    private static void add(List<Turn> turns, Turn turn) {
        if (turn.blocks.isEmpty()) {
            return; // Converse rejects empty content
        }
        Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last != null && last.role.equals(turn.role)) {
            last.blocks.addAll(turn.blocks);
        } else {
            turns.add(turn);
        }
    }

    private static ArrayNode blocks(Message m) {
        ArrayNode blocks = Json.array();
        if (m.content() != null) {
            for (Part p : m.content()) {
                if (p instanceof Part.Text t) {
                    if (t.text() != null && !t.text().isEmpty()) { // Converse rejects blank text blocks
                        blocks.addObject().put("text", t.text());
                    }
                } else if (p instanceof Part.Image img) {
                    blocks.add(image(img));
                }
            }
        }
        if (m.toolCalls() != null) {
            for (ToolCall call : m.toolCalls()) {
                blocks.addObject().putObject("toolUse").put("toolUseId", call.id()).put("name", call.name())
                        .set("input", Json.argumentsObject(call.arguments()));
            }
        }
        return blocks;
    }

    /** Bedrock takes images inline (base64 in JSON) or from S3; it does not fetch http(s) URLs. */
    private static ObjectNode image(Part.Image img) {
        ObjectNode block = Json.object();
        ObjectNode image = block.putObject("image");
        if (img.url() != null && img.url().startsWith("s3://")) {
            image.put("format", imageFormat(img.url().substring(img.url().lastIndexOf('.') + 1)));
            image.putObject("source").putObject("s3Location").put("uri", img.url());
            return block;
        }
        if (img.url() != null) {
            throw new ProviderException(Failure.BAD_REQUEST, 400, "Bedrock takes images inline (data: URLs) or from "
                    + "s3://, not by http(s) URL", null, "invalid_request_error", "unsupported_image_url");
        }
        String type = img.mediaType() == null ? "" : img.mediaType();
        image.put("format", imageFormat(type.substring(type.indexOf('/') + 1)));
        image.putObject("source").put("bytes", img.base64());
        return block;
    }

    private static String imageFormat(String subtype) {
        String s = subtype.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "jpg", "jpeg", "pjpeg" -> "jpeg";
            case "png", "gif", "webp" -> s;
            default -> throw new ProviderException(Failure.BAD_REQUEST, 400, "Bedrock takes png, jpeg, gif or webp "
                    + "images, not '" + subtype + "'", null, "invalid_request_error", "unsupported_image_format");
        };
    }

    private static ArrayNode toolResult(Message m) {
        ArrayNode blocks = Json.array();
        ObjectNode result = blocks.addObject().putObject("toolResult").put("toolUseId", m.toolCallId());
        String text = m.text();
        result.putArray("content").addObject().put("text", text.isEmpty() ? "(empty)" : text);
        return blocks;
    }

    /**
     * A final assistant turn is a prefill the model continues; Claude on Bedrock rejects one ending in
     * whitespace, so the trailing whitespace is trimmed (the caller withholds it from the continuation).
     */
    private static void stripPrefill(List<Turn> turns) {
        if (turns.isEmpty() || !"assistant".equals(turns.get(turns.size() - 1).role)) {
            return;
        }
        Turn last = turns.get(turns.size() - 1);
        JsonNode block = last.blocks.get(last.blocks.size() - 1);
        if (block.has("text")) {
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

    /** A complete Converse response → canonical answer (Converse has no id or model: the gateway adds them). */
    public static ChatResponse fromConverseResponse(JsonNode body) {
        JsonNode content = body == null ? null : body.path("output").path("message").path("content");
        if (content == null || !content.isArray()) {
            throw new ProviderException(Failure.MALFORMED, "Converse response has no output.message.content array");
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : content) {
            if (block.has("text")) {
                text.append(block.path("text").asText());
                hasText = true;
            } else if (block.has("toolUse")) {
                JsonNode use = block.get("toolUse");
                calls.add(new ToolCall(use.path("toolUseId").asText(), use.path("name").asText(),
                        use.has("input") ? use.get("input").toString() : "{}"));
            }
            // reasoningContent, citations, guardContent: not part of the canonical answer
        }
        return ChatResponse.fromBlocks(null, null, hasText ? text.toString() : null, calls,
                finishReason(body.path("stopReason").asText(null)), usage(body.path("usage")));
    }

    /** Converse stopReason → OpenAI finish reason; null stays null. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence
        };
    }

    /** Prompt tokens include cache reads and writes, which Converse counts apart from inputTokens. */
    private static Usage usage(JsonNode u) {
        return new Usage(u.path("inputTokens").asInt(0) + u.path("cacheReadInputTokens").asInt(0)
                + u.path("cacheWriteInputTokens").asInt(0), u.path("outputTokens").asInt(0));
    }

    // ----------------------------------------------------------------- stream

    /** True for the ConverseStream event after which Bedrock sends nothing more. */
    public static boolean isTerminal(EventStreamDecoder.Message message) {
        return "metadata".equals(message.header(":event-type"));
    }

    /** Decodes one ConverseStream into canonical chunks. Stateful: one instance per stream. */
    public static final class StreamDecoder {

        private int toolCount;
        private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();

        /**
         * The chunks one event-stream message yields (often none).
         *
         * @throws ProviderException STREAM_ERROR on an in-band exception or error; MALFORMED when an
         *                           event's payload is not a JSON object
         */
        public List<ChatChunk> decode(EventStreamDecoder.Message message) {
            String kind = message.header(":message-type");
            if ("exception".equals(kind) || "error".equals(kind)) {
                throw BedrockErrors.inBand(message);
            }
            String type = message.header(":event-type");
            if (type == null) {
                return List.of();
            }
            JsonNode json = payload(message, type);
            return switch (type) {
                case "contentBlockStart" -> blockStart(json.path("contentBlockIndex").asInt(), json.path("start"));
                case "contentBlockDelta" -> blockDelta(json.path("contentBlockIndex").asInt(), json.path("delta"));
                case "messageStop" -> List.of(ChatChunk.finish(finishReason(json.path("stopReason").asText("end_turn")),
                        null));
                case "metadata" -> json.has("usage")
                        ? List.of(new ChatChunk(null, null, null, usage(json.path("usage")))) : List.of();
                default -> List.of(); // messageStart, contentBlockStop, unknown
            };
        }

        private static JsonNode payload(EventStreamDecoder.Message message, String type) {
            try {
                JsonNode json = Json.tree(message.payload());
                if (json != null && json.isObject()) {
                    return json;
                }
            } catch (java.io.IOException e) {
                // fall through
            }
            throw new ProviderException(Failure.MALFORMED, "ConverseStream " + type + " event is not a JSON object");
        }

        private List<ChatChunk> blockStart(int block, JsonNode start) {
            JsonNode use = start.path("toolUse");
            if (!use.isObject()) {
                return List.of();
            }
            int index = toolCount++;
            toolIndexByBlock.put(block, index);
            ToolCallDelta delta = new ToolCallDelta(index, use.path("toolUseId").asText(null),
                    use.path("name").asText(null), "");
            return List.of(new ChatChunk(null, List.of(delta), null, null));
        }

        private List<ChatChunk> blockDelta(int block, JsonNode delta) {
            if (delta.has("text")) {
                String text = delta.path("text").asText("");
                return text.isEmpty() ? List.of() : List.of(ChatChunk.text(text));
            }
            if (delta.has("toolUse")) {
                Integer index = toolIndexByBlock.get(block);
                String input = delta.path("toolUse").path("input").asText("");
                if (index == null || input.isEmpty()) {
                    return List.of();
                }
                return List.of(new ChatChunk(null, List.of(new ToolCallDelta(index, null, null, input)), null, null));
            }
            return List.of(); // reasoningContent, citation
        }
    }
}
