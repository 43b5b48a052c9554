package dev.understudy.provider.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import java.io.IOException;
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
        return toProviderRequest(r, model, stream, false);
    }

    /** As a tree, what {@link OpenAiRequestWriter#write} writes (for the places that add to it). */
    public static ObjectNode toProviderRequest(ChatRequest r, String model, boolean stream, boolean continueFinal) {
        return (ObjectNode) Json.tree(g -> OpenAiRequestWriter.write(g, r, model, stream, continueFinal));
    }

    public static ObjectNode writeResponse(ChatResponse r) {
        return (ObjectNode) Json.tree(g -> writeResponse(g, r, null));
    }

    /**
     * Writes a {@code chat.completion} object: the one definition of its shape. {@code more}, if not null, adds
     * fields at its end (the gateway's {@code understudy} object).
     */
    public static void writeResponse(JsonGenerator g, ChatResponse r, Json.Writer more) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("object", "chat.completion");
        g.writeNumberField("created", r.created());
        g.writeStringField("model", r.model());
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", r.content());
        if (r.refusal() != null) {
            g.writeStringField("refusal", r.refusal());
        }
        if (r.toolCalls() != null && !r.toolCalls().isEmpty()) {
            writeToolCalls(g, r.toolCalls());
        }
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", r.finishReason());
        g.writeEndObject();
        g.writeEndArray();
        if (r.usage() != null) {
            g.writeFieldName("usage");
            writeUsage(g, r.usage());
        }
        if (more != null) {
            more.write(g);
        }
        g.writeEndObject();
    }

    /** An assistant turn's {@code tool_calls}: the one definition, for answers and for requests to targets. */
    static void writeToolCalls(JsonGenerator g, List<ToolCall> calls) throws IOException {
        g.writeArrayFieldStart("tool_calls");
        for (ToolCall c : calls) {
            g.writeStartObject();
            g.writeStringField("id", c.id());
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", c.name());
            g.writeStringField("arguments", c.arguments());
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /**
     * Writes one {@code chat.completion.chunk} ({@code role} with the first delta only): the one definition of its
     * shape. {@code more}, if not null, adds
     * fields at its end (the gateway's {@code understudy} object on the last chunk).
     */
    public static void writeChunk(JsonGenerator g, String id, String model, long created, ChatChunk c, boolean first,
            Json.Writer more) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeArrayFieldStart("choices");
        boolean usageOnly = c.usage() != null && !c.hasContent() && c.finishReason() == null;
        if (!usageOnly) {
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            if (first) {
                g.writeStringField("role", "assistant");
            }
            if (c.text() != null) {
                g.writeStringField("content", c.text());
            }
            if (c.toolCalls() != null) {
                g.writeArrayFieldStart("tool_calls");
                for (ChatChunk.ToolCallDelta d : c.toolCalls()) {
                    g.writeStartObject();
                    g.writeNumberField("index", d.index());
                    if (d.id() != null) {
                        g.writeStringField("id", d.id());
                        g.writeStringField("type", "function");
                    }
                    g.writeObjectFieldStart("function");
                    if (d.name() != null) {
                        g.writeStringField("name", d.name());
                    }
                    g.writeStringField("arguments", d.arguments() == null ? "" : d.arguments());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeStringField("finish_reason", c.finishReason());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (usageOnly) {
            g.writeFieldName("usage");
            writeUsage(g, c.usage());
        }
        if (more != null) {
            more.write(g);
        }
        g.writeEndObject();
    }

    private static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeEndObject();
    }

    // ---- OpenAI -> canonical ----

    /**
     * A reply's bytes as an answer: the same as {@link #parseResponse(JsonNode)} of its tree, read without one
     * ({@link OpenAiReplyReader}); fails with the parser's exception on broken JSON.
     */
    public static ChatResponse parseResponse(io.vertx.core.buffer.Buffer body)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        return OpenAiReplyReader.read(body);
    }

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

    /** As {@link #chunks(String)} of the event's data, read from its bytes ({@link OpenAiChunkReader}). */
    public static List<ChatChunk> chunks(dev.understudy.provider.http.SseEvent event) {
        return OpenAiChunkReader.read(event);
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
        List<ChatChunk.ToolCallDelta> calls = toolCallDeltas(delta.get("tool_calls"));
        String finish = Json.text(choice, "finish_reason");
        if ((text == null || text.isEmpty()) && calls == null && finish == null && usage == null) {
            return null;
        }
        return new ChatChunk(text, calls, finish, usage);
    }

    /** A delta's {@code tool_calls}; null for none. */
    static List<ChatChunk.ToolCallDelta> toolCallDeltas(JsonNode tc) {
        if (tc == null || !tc.isArray() || tc.isEmpty()) {
            return null;
        }
        List<ChatChunk.ToolCallDelta> calls = new ArrayList<>(tc.size());
        for (JsonNode c : tc) {
            JsonNode fn = c.path("function");
            calls.add(new ChatChunk.ToolCallDelta(c.path("index").asInt(0), Json.text(c, "id"),
                    Json.text(fn, "name"), Json.text(fn, "arguments")));
        }
        return calls;
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
