package dev.understudy.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.api.Replies;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Anthropic Messages API bodies: {@code message} objects and {@code {"type":"error","error":{…}}}. */
public final class AnthropicReplies implements Replies {

    public static final AnthropicReplies INSTANCE = new AnthropicReplies();

    private AnthropicReplies() {
    }

    @Override
    public String format() {
        return "anthropic";
    }

    @Override
    public ObjectNode answer(Route route, ChainResult result) {
        ObjectNode m = message(messageId(), result.answered().model(), result.response());
        m.set("understudy", Annotations.fromProvider(route.name(), result.answered(), result.fallback(),
                result.attempts(), result.capped()).toJson());
        return m;
    }

    @Override
    public ObjectNode lastResort(String model, String text, List<ToolCall> calls, Usage usage, Annotations a) {
        ChatResponse r = new ChatResponse(null, model, 0, text, calls, calls != null && !calls.isEmpty()
                ? "tool_calls" : "stop", usage, null);
        ObjectNode m = message(messageId(), model, r);
        m.set("understudy", a.toJson());
        return m;
    }

    @Override
    public ObjectNode error(int status, String message, String code, String param) {
        ObjectNode body = Json.object().put("type", "error");
        ObjectNode error = body.putObject("error").put("type", typeFor(status)).put("message", message);
        if (code != null) {
            error.put("code", code); // an extension: the Anthropic shape has none, the gateway's API asks for one (docs/api.md)
        }
        return body;
    }

    @Override
    public void streamWholeAnswer(HttpServerResponse response, String model, String text, List<ToolCall> calls,
            Usage usage, Annotations a) {
        AnthropicSseWriter.writeWholeAnswer(response, model, text, calls, usage, a);
    }

    static ObjectNode message(String id, String model, ChatResponse r) {
        ObjectNode m = Json.object().put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
        ArrayNode content = m.putArray("content");
        if (r.content() != null && !r.content().isEmpty()) {
            content.addObject().put("type", "text").put("text", r.content());
        } else if (r.refusal() != null) {
            content.addObject().put("type", "text").put("text", r.refusal());
        }
        if (r.toolCalls() != null) {
            for (ToolCall c : r.toolCalls()) {
                content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name())
                        .set("input", input(c.arguments()));
            }
        }
        m.put("stop_reason", stopReason(r.finishReason()));
        m.putNull("stop_sequence");
        ObjectNode usage = m.putObject("usage");
        usage.put("input_tokens", r.usage() == null ? 0 : r.usage().promptTokens());
        usage.put("output_tokens", r.usage() == null ? 0 : r.usage().completionTokens());
        return m;
    }

    static String stopReason(String finish) {
        if (finish == null) {
            return "end_turn";
        }
        return switch (finish) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    static JsonNode input(String arguments) {
        try {
            JsonNode n = Json.MAPPER.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
            return n.isObject() ? n : Json.object();
        } catch (Exception e) {
            return Json.object();
        }
    }

    static String messageId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "msg_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong()
                | Long.MIN_VALUE);
    }

    private static String typeFor(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
