package dev.understudy.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatChunk;
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
import java.util.List;

/**
 * OpenAI Chat Completions wire format ⇄ canonical form. Pure and idempotent: used inbound (the caller
 * speaks OpenAI) and outbound (an OpenAI-compatible target). Request parsing lives in
 * {@code api.openai.OpenAiRequestParser}, which validates.
 */
public final class OpenAiFormat {

    private OpenAiFormat() {
    }

    // ---- canonical -> OpenAI ----

    public static ObjectNode toProviderRequest(ChatRequest r, String model, boolean stream) {
        ObjectNode body = Json.object();
        if (r.extra() != null) {
            body.setAll(r.extra());
        }
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (Message m : r.messages()) {
            messages.add(message(m));
        }
        if (r.tools() != null) {
            ArrayNode tools = body.putArray("tools");
            for (Tool t : r.tools()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", t.name());
                if (t.description() != null) {
                    fn.put("description", t.description());
                }
                if (t.parameters() != null) {
                    fn.set("parameters", t.parameters());
                }
                if (t.strict() != null) {
                    fn.put("strict", t.strict());
                }
            }
        }
        if (r.toolChoice() != null) {
            body.set("tool_choice", r.toolChoice());
        }
        if (r.temperature() != null) {
            body.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            body.put("top_p", r.topP());
        }
        if (r.maxTokens() != null && !body.has("max_completion_tokens")) {
            body.put("max_tokens", r.maxTokens());
        }
        if (r.stop() != null) {
            ArrayNode stop = body.putArray("stop");
            r.stop().forEach(stop::add);
        }
        if (r.responseFormat() != null) {
            body.set("response_format", r.responseFormat());
        }
        if (r.seed() != null) {
            body.put("seed", r.seed());
        }
        if (r.user() != null) {
            body.put("user", r.user());
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true); // always: usage is accounted
        } else {
            body.remove("stream_options");
        }
        return body;
    }

    private static ObjectNode message(Message m) {
        ObjectNode node = Json.object().put("role", m.role());
        if (m.content() == null) {
            node.putNull("content");
        } else if (m.plainText()) {
            node.put("content", m.text());
        } else {
            ArrayNode parts = node.putArray("content");
            for (Part p : m.content()) {
                if (p instanceof Part.Text t) {
                    parts.addObject().put("type", "text").put("text", t.text());
                } else if (p instanceof Part.Image img) {
                    ObjectNode url = parts.addObject().put("type", "image_url").putObject("image_url");
                    url.put("url", img.asUrl());
                    if (img.detail() != null) {
                        url.put("detail", img.detail());
                    }
                }
            }
        }
        if (m.name() != null) {
            node.put("name", m.name());
        }
        if (m.toolCalls() != null) {
            ArrayNode calls = node.putArray("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (m.toolCallId() != null) {
            node.put("tool_call_id", m.toolCallId());
        }
        return node;
    }

    public static ObjectNode writeResponse(ChatResponse r) {
        ObjectNode body = Json.object()
                .put("id", r.id())
                .put("object", "chat.completion")
                .put("created", r.created())
                .put("model", r.model());
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (r.content() == null) {
            message.putNull("content");
        } else {
            message.put("content", r.content());
        }
        if (r.refusal() != null) {
            message.put("refusal", r.refusal());
        }
        if (r.toolCalls() != null && !r.toolCalls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall c : r.toolCalls()) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", r.finishReason());
        if (r.usage() != null) {
            body.set("usage", usage(r.usage()));
        }
        return body;
    }

    /** One {@code chat.completion.chunk}; {@code role} is sent with the first delta only. */
    public static ObjectNode writeChunk(String id, String model, long created, ChatChunk c, boolean first) {
        ObjectNode body = Json.object()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model);
        ArrayNode choices = body.putArray("choices");
        boolean usageOnly = c.usage() != null && !c.hasContent() && c.finishReason() == null;
        if (!usageOnly) {
            ObjectNode choice = choices.addObject().put("index", 0);
            ObjectNode delta = choice.putObject("delta");
            if (first) {
                delta.put("role", "assistant");
            }
            if (c.text() != null) {
                delta.put("content", c.text());
            }
            if (c.toolCalls() != null) {
                ArrayNode calls = delta.putArray("tool_calls");
                for (ChatChunk.ToolCallDelta d : c.toolCalls()) {
                    ObjectNode call = calls.addObject().put("index", d.index());
                    if (d.id() != null) {
                        call.put("id", d.id()).put("type", "function");
                    }
                    ObjectNode fn = call.putObject("function");
                    if (d.name() != null) {
                        fn.put("name", d.name());
                    }
                    fn.put("arguments", d.arguments() == null ? "" : d.arguments());
                }
            }
            if (c.finishReason() == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", c.finishReason());
            }
        }
        if (usageOnly) {
            body.set("usage", usage(c.usage()));
        }
        return body;
    }

    public static ObjectNode usage(Usage u) {
        return Json.object()
                .put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.completionTokens())
                .put("total_tokens", u.totalTokens());
    }

    // ---- OpenAI -> canonical ----

    public static ChatResponse parseResponse(JsonNode body) {
        JsonNode choice = body.path("choices").path(0);
        JsonNode message = choice.path("message");
        if (!message.isObject()) {
            throw new ProviderException(Failure.MALFORMED, "response has no choices[0].message");
        }
        return new ChatResponse(
                Json.text(body, "id"),
                Json.text(body, "model"),
                body.path("created").asLong(System.currentTimeMillis() / 1000),
                Json.text(message, "content"),
                toolCalls(message.get("tool_calls")),
                Json.text(choice, "finish_reason"),
                parseUsage(body.get("usage")),
                Json.text(message, "refusal"));
    }

    /**
     * One SSE event's data as chunks (none for an empty delta). An error object in-band fails the stream; Google
     * wraps one in an array.
     */
    public static List<ChatChunk> chunks(String data) {
        JsonNode json;
        try {
            json = Json.tree(data);
        } catch (Exception e) {
            throw new ProviderException(Failure.MALFORMED, "malformed stream event");
        }
        if (json == null) {
            throw new ProviderException(Failure.MALFORMED, "malformed stream event");
        }
        if (json.isArray() && json.path(0).has("error")) {
            json = json.get(0);
        }
        ChatChunk chunk = parseChunk(json);
        return chunk == null ? List.of() : List.of(chunk);
    }

    /** A streamed chunk, or null when it carries nothing (e.g. the role-only first delta). */
    public static ChatChunk parseChunk(JsonNode body) {
        if (body.has("error")) {
            JsonNode error = body.get("error");
            String message = error.isObject() ? Json.text(error, "message") : error.asText();
            throw new ProviderException(Failure.STREAM_ERROR, "in-band error: " + message);
        }
        Usage usage = parseUsage(body.get("usage"));
        JsonNode choice = body.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String text = Json.text(delta, "content");
        List<ChatChunk.ToolCallDelta> calls = null;
        JsonNode tc = delta.get("tool_calls");
        if (tc != null && tc.isArray() && !tc.isEmpty()) {
            calls = new ArrayList<>(tc.size());
            for (JsonNode c : tc) {
                JsonNode fn = c.path("function");
                calls.add(new ChatChunk.ToolCallDelta(c.path("index").asInt(0), Json.text(c, "id"),
                        Json.text(fn, "name"), Json.text(fn, "arguments")));
            }
        }
        String finish = Json.text(choice, "finish_reason");
        if ((text == null || text.isEmpty()) && calls == null && finish == null && usage == null) {
            return null;
        }
        return new ChatChunk(text, calls, finish, usage);
    }

    static List<ToolCall> toolCalls(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            return null;
        }
        List<ToolCall> calls = new ArrayList<>(node.size());
        for (JsonNode c : node) {
            JsonNode fn = c.path("function");
            calls.add(new ToolCall(Json.text(c, "id"), Json.text(fn, "name"), fn.path("arguments").asText("{}")));
        }
        return calls;
    }

    static Usage parseUsage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        return new Usage(u.path("prompt_tokens").asInt(0), u.path("completion_tokens").asInt(0));
    }
}
