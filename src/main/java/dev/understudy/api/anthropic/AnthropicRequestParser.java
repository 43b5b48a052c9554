package dev.understudy.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.api.InvalidRequestException;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import dev.understudy.provider.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates an Anthropic Messages API request and turns it into the canonical form: {@code system} →
 * a system turn; text and image blocks → parts; {@code tool_use} blocks → the assistant's tool calls;
 * {@code tool_result} blocks → tool turns; {@code stop_sequences} → stop; {@code tool_choice} → the
 * OpenAI form. Thinking blocks are dropped (they are not replayable across providers).
 */
public final class AnthropicRequestParser {

    private AnthropicRequestParser() {
    }

    public static ChatRequest parse(JsonNode body, int maxMessages) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("The request body must be a JSON object.", null);
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            throw new InvalidRequestException("model: Field required (a string naming a route).", "model");
        }
        JsonNode maxTokens = body.get("max_tokens");
        if (maxTokens == null || !maxTokens.canConvertToInt() || !maxTokens.isIntegralNumber()
                || maxTokens.asInt() < 1) {
            throw new InvalidRequestException("max_tokens: Field required (a positive integer).", "max_tokens");
        }
        JsonNode msgs = body.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
            throw new InvalidRequestException("messages: a non-empty array of messages is required.", "messages");
        }
        if (msgs.size() > maxMessages) {
            throw new InvalidRequestException("messages: at most " + maxMessages + " messages.", "messages");
        }
        List<Message> messages = new ArrayList<>();
        system(body.get("system"), messages);
        for (int i = 0; i < msgs.size(); i++) {
            turn(msgs.get(i), "messages." + i, messages);
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw new InvalidRequestException("stream: Input should be a valid boolean.", "stream");
        }
        return new ChatRequest(model.asText(), List.copyOf(messages), tools(body.get("tools")),
                toolChoice(body.get("tool_choice")), number(body, "temperature"), number(body, "top_p"),
                maxTokens.asInt(), stops(body.get("stop_sequences")), null, null,
                Json.text(body.path("metadata"), "user_id"), stream != null && stream.asBoolean(), true, null);
    }

    private static void system(JsonNode system, List<Message> into) {
        if (system == null || system.isNull()) {
            return;
        }
        if (system.isTextual()) {
            into.add(Message.text("system", system.asText()));
        } else if (system.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode block : system) {
                if (!"text".equals(Json.text(block, "type"))) {
                    throw new InvalidRequestException("system: only text blocks are supported.", "system");
                }
                text.append(text.isEmpty() ? "" : "\n\n").append(block.path("text").asText());
            }
            into.add(Message.text("system", text.toString()));
        } else {
            throw new InvalidRequestException("system: a string or an array of text blocks.", "system");
        }
    }

    private static void turn(JsonNode m, String where, List<Message> into) {
        String role = m.isObject() ? Json.text(m, "role") : null;
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw new InvalidRequestException(where + ".role: Input should be 'user' or 'assistant'.", where);
        }
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            into.add(Message.text(role, content.asText()));
            return;
        }
        if (content == null || !content.isArray()) {
            throw new InvalidRequestException(where + ".content: a string or an array of content blocks.", where);
        }
        List<Part> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String at = where + ".content." + i;
            switch (String.valueOf(Json.text(block, "type"))) {
                case "text" -> parts.add(new Part.Text(block.path("text").asText()));
                case "image" -> parts.add(image(block.path("source"), at));
                case "tool_use" -> calls.add(new ToolCall(Json.text(block, "id"), Json.text(block, "name"),
                        block.path("input").isMissingNode() ? "{}" : block.get("input").toString()));
                case "tool_result" -> into.add(new Message("tool", List.of(new Part.Text(toolResultText(block))),
                        true, null, null, Json.text(block, "tool_use_id")));
                case "thinking", "redacted_thinking" -> { }
                default -> throw new InvalidRequestException(at + ".type: '" + Json.text(block, "type")
                        + "' is not supported (text, image, tool_use, tool_result).", at);
            }
        }
        if (!parts.isEmpty() || !calls.isEmpty()) {
            into.add(new Message(role, parts.isEmpty() ? null : List.copyOf(parts), false, null,
                    calls.isEmpty() ? null : List.copyOf(calls), null));
        }
    }

    private static Part.Image image(JsonNode source, String at) {
        String type = Json.text(source, "type");
        if ("base64".equals(type) && source.hasNonNull("data") && source.hasNonNull("media_type")) {
            return new Part.Image(null, source.get("media_type").asText(), source.get("data").asText(), null);
        }
        if ("url".equals(type) && source.hasNonNull("url")) {
            return new Part.Image(source.get("url").asText(), null, null, null);
        }
        throw new InvalidRequestException(at + ".source: a base64 (media_type, data) or url image source.", at);
    }

    private static String toolResultText(JsonNode block) {
        JsonNode c = block.get("content");
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode b : c) {
            if ("text".equals(Json.text(b, "type"))) {
                text.append(b.path("text").asText());
            }
        }
        return text.toString();
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw new InvalidRequestException("tools: an array of tools.", "tools");
        }
        List<Tool> out = new ArrayList<>();
        for (JsonNode t : tools) {
            if (!t.path("name").isTextual()) {
                throw new InvalidRequestException("tools: every tool needs a name.", "tools");
            }
            out.add(new Tool(t.get("name").asText(), Json.text(t, "description"), t.get("input_schema"), null));
        }
        return List.copyOf(out);
    }

    private static JsonNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        return switch (String.valueOf(Json.text(choice, "type"))) {
            case "auto" -> Json.MAPPER.getNodeFactory().textNode("auto");
            case "any" -> Json.MAPPER.getNodeFactory().textNode("required");
            case "none" -> Json.MAPPER.getNodeFactory().textNode("none");
            case "tool" -> {
                var fn = Json.object().put("type", "function");
                fn.putObject("function").put("name", Json.text(choice, "name"));
                yield fn;
            }
            default -> throw new InvalidRequestException("tool_choice.type: one of auto, any, tool, none.",
                    "tool_choice");
        };
    }

    private static List<String> stops(JsonNode stops) {
        if (stops == null || stops.isNull()) {
            return null;
        }
        if (!stops.isArray()) {
            throw new InvalidRequestException("stop_sequences: an array of strings.", "stop_sequences");
        }
        List<String> out = new ArrayList<>();
        stops.forEach(s -> out.add(s.asText()));
        return List.copyOf(out);
    }

    private static Double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new InvalidRequestException(field + ": Input should be a valid number.", field);
        }
        return v.asDouble();
    }
}
