package dev.understudy.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.InvalidRequestException;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates an OpenAI Chat Completions request body and turns it into a {@link ChatRequest}. */
public final class OpenAiRequestParser {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** Fields mapped to canonical ones; every other top-level field passes through to OpenAI targets. */
    private static final Set<String> MAPPED = Set.of("model", "messages", "tools", "tool_choice", "temperature",
            "top_p", "max_tokens", "stop", "response_format", "seed", "user", "stream", "stream_options", "n");

    private OpenAiRequestParser() {
    }

    public static ChatRequest parse(JsonNode body, int maxMessages) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("The request body must be a JSON object.", null);
        }
        String model = requiredString(body, "model");
        JsonNode msgs = body.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
            throw new InvalidRequestException("'messages' must be a non-empty array of messages.", "messages");
        }
        if (msgs.size() > maxMessages) {
            throw new InvalidRequestException("Too many messages: " + msgs.size() + " (at most " + maxMessages
                    + ").", "messages");
        }
        List<Message> messages = new ArrayList<>(msgs.size());
        for (int i = 0; i < msgs.size(); i++) {
            messages.add(message(msgs.get(i), "messages[" + i + "]"));
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.canConvertToInt() && n.asInt() == 1)) {
            throw new InvalidRequestException("Only n=1 is supported by the gateway.", "n");
        }
        Integer maxTokens = optionalPositiveInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = optionalPositiveInt(body, "max_tokens");
        }
        boolean stream = optionalBoolean(body, "stream");
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull() && !so.isObject()) {
            throw new InvalidRequestException("'stream_options' must be an object.", "stream_options");
        }
        boolean includeUsage = so != null && so.path("include_usage").asBoolean(false);
        ObjectNode extra = null;
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!MAPPED.contains(e.getKey())) {
                if (extra == null) {
                    extra = dev.understudy.provider.json.Json.object();
                }
                extra.set(e.getKey(), e.getValue());
            }
        }
        return new ChatRequest(model, List.copyOf(messages), tools(body.get("tools")), optionalNode(body,
                "tool_choice", true), optionalNumber(body, "temperature"), optionalNumber(body, "top_p"), maxTokens,
                stop(body.get("stop")), optionalNode(body, "response_format", false), optionalLong(body, "seed"),
                optionalString(body, "user"), stream, includeUsage, extra);
    }

    private static Message message(JsonNode m, String where) {
        if (!m.isObject()) {
            throw new InvalidRequestException(where + " must be an object.", where);
        }
        JsonNode roleNode = m.get("role");
        if (roleNode == null || !roleNode.isTextual() || !ROLES.contains(roleNode.asText())) {
            throw new InvalidRequestException(where + ".role must be one of system, developer, user, assistant, "
                    + "tool.", where + ".role");
        }
        String role = roleNode.asText();
        List<ToolCall> toolCalls = toolCalls(m.get("tool_calls"), where);
        JsonNode content = m.get("content");
        List<Part> parts;
        boolean plain = false;
        if (content == null || content.isNull()) {
            if (!"assistant".equals(role) || toolCalls == null) {
                throw new InvalidRequestException(where + ".content is required.", where + ".content");
            }
            parts = null;
        } else if (content.isTextual()) {
            parts = List.of(new Part.Text(content.asText()));
            plain = true;
        } else if (content.isArray()) {
            parts = new ArrayList<>(content.size());
            for (int i = 0; i < content.size(); i++) {
                parts.add(part(content.get(i), where + ".content[" + i + "]"));
            }
            parts = List.copyOf(parts);
        } else {
            throw new InvalidRequestException(where + ".content must be a string or an array of content parts.",
                    where + ".content");
        }
        String toolCallId = optionalString(m, "tool_call_id");
        if ("tool".equals(role) && toolCallId == null) {
            throw new InvalidRequestException(where + ".tool_call_id is required for a tool message.",
                    where + ".tool_call_id");
        }
        return new Message(role, parts, plain, optionalString(m, "name"), toolCalls, toolCallId);
    }

    private static Part part(JsonNode p, String where) {
        String type = p.isObject() ? p.path("type").asText("") : "";
        switch (type) {
            case "text":
                if (!p.path("text").isTextual()) {
                    throw new InvalidRequestException(where + ".text must be a string.", where + ".text");
                }
                return new Part.Text(p.get("text").asText());
            case "image_url":
                JsonNode img = p.path("image_url");
                JsonNode url = img.isTextual() ? img : img.path("url");
                if (!url.isTextual() || url.asText().isEmpty()) {
                    throw new InvalidRequestException(where + ".image_url.url must be a non-empty string.",
                            where + ".image_url");
                }
                return Part.Image.fromUrl(url.asText(), img.isObject() ? optionalString(img, "detail") : null);
            default:
                throw new InvalidRequestException(where + " has an unsupported type '" + type
                        + "' (supported: text, image_url).", where + ".type");
        }
    }

    private static List<ToolCall> toolCalls(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw new InvalidRequestException(where + ".tool_calls must be an array.", where + ".tool_calls");
        }
        List<ToolCall> calls = new ArrayList<>(node.size());
        for (JsonNode c : node) {
            JsonNode fn = c.path("function");
            if (!fn.path("name").isTextual()) {
                throw new InvalidRequestException(where + ".tool_calls[].function.name must be a string.",
                        where + ".tool_calls");
            }
            calls.add(new ToolCall(c.path("id").asText(""), fn.get("name").asText(),
                    fn.path("arguments").isTextual() ? fn.get("arguments").asText() : fn.path("arguments").toString()));
        }
        return calls.isEmpty() ? null : List.copyOf(calls);
    }

    private static List<Tool> tools(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw new InvalidRequestException("'tools' must be an array.", "tools");
        }
        List<Tool> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode fn = node.get(i).path("function");
            if (!fn.path("name").isTextual()) {
                throw new InvalidRequestException("tools[" + i + "].function.name must be a string.", "tools");
            }
            JsonNode strict = fn.get("strict");
            tools.add(new Tool(fn.get("name").asText(), optionalString(fn, "description"), fn.get("parameters"),
                    strict != null && strict.isBoolean() ? strict.asBoolean() : null));
        }
        return List.copyOf(tools);
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (node.isArray()) {
            List<String> stops = new ArrayList<>();
            for (JsonNode s : node) {
                if (!s.isTextual()) {
                    throw new InvalidRequestException("'stop' must be a string or an array of strings.", "stop");
                }
                stops.add(s.asText());
            }
            return List.copyOf(stops);
        }
        throw new InvalidRequestException("'stop' must be a string or an array of strings.", "stop");
    }

    private static String requiredString(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidRequestException("'" + field + "' is required and must be a string.", field);
        }
        return v.asText();
    }

    private static String optionalString(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException("'" + field + "' must be a string.", field);
        }
        return v.asText();
    }

    private static Double optionalNumber(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new InvalidRequestException("'" + field + "' must be a number.", field);
        }
        return v.asDouble();
    }

    private static Long optionalLong(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InvalidRequestException("'" + field + "' must be an integer.", field);
        }
        return v.asLong();
    }

    private static Integer optionalPositiveInt(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw new InvalidRequestException("'" + field + "' must be a positive integer.", field);
        }
        return v.asInt();
    }

    private static boolean optionalBoolean(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new InvalidRequestException("'" + field + "' must be a boolean.", field);
        }
        return v.asBoolean();
    }

    private static JsonNode optionalNode(JsonNode body, String field, boolean textAllowed) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject() && !(textAllowed && v.isTextual())) {
            throw new InvalidRequestException("'" + field + "' must be " + (textAllowed ? "a string or " : "")
                    + "an object.", field);
        }
        return v;
    }
}
