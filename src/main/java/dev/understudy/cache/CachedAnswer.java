package dev.understudy.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.json.Json;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One stored answer: the last known good answer to a request, with what it takes to find it again by
 * similarity (the question and its embedding, null when the embedder is off).
 */
public record CachedAnswer(String key, String scope, String question, float[] vector, String provider,
        String model, String content, List<ToolCall> toolCalls, String finishReason, Usage usage,
        long storedAtMillis) {

    public ChatResponse toResponse(String id) {
        return new ChatResponse(id, model, storedAtMillis / 1000, content, toolCalls, finishReason, usage, null);
    }

    /** The same answer with its question's embedding (null leaves it without). */
    public CachedAnswer withVector(float[] v) {
        return new CachedAnswer(key, scope, question, v, provider, model, content, toolCalls, finishReason, usage,
                storedAtMillis);
    }

    public byte[] toJson() {
        ObjectNode n = Json.object().put("key", key).put("scope", scope).put("question", question)
                .put("provider", provider).put("model", model).put("content", content)
                .put("finish_reason", finishReason).put("stored_at", storedAtMillis);
        if (vector != null) {
            ByteBuffer b = ByteBuffer.allocate(vector.length * 4);
            for (float f : vector) {
                b.putFloat(f);
            }
            n.put("vector", Base64.getEncoder().encodeToString(b.array()));
        }
        if (toolCalls != null) {
            var calls = n.putArray("tool_calls");
            for (ToolCall c : toolCalls) {
                calls.addObject().put("id", c.id()).put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (usage != null) {
            n.putObject("usage").put("prompt_tokens", usage.promptTokens())
                    .put("completion_tokens", usage.completionTokens());
        }
        return Json.bytes(n);
    }

    public static CachedAnswer fromJson(String json) {
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            float[] vector = null;
            if (n.hasNonNull("vector")) {
                ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(n.get("vector").asText()));
                vector = new float[b.remaining() / 4];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = b.getFloat();
                }
            }
            List<ToolCall> calls = null;
            if (n.has("tool_calls")) {
                calls = new ArrayList<>();
                for (JsonNode c : n.get("tool_calls")) {
                    calls.add(new ToolCall(Json.text(c, "id"), Json.text(c, "name"), Json.text(c, "arguments")));
                }
            }
            Usage usage = n.has("usage") ? new Usage(n.at("/usage/prompt_tokens").asInt(),
                    n.at("/usage/completion_tokens").asInt()) : null;
            return new CachedAnswer(Json.text(n, "key"), Json.text(n, "scope"), Json.text(n, "question"), vector,
                    Json.text(n, "provider"), Json.text(n, "model"), Json.text(n, "content"), calls,
                    Json.text(n, "finish_reason"), usage, n.path("stored_at").asLong());
        } catch (Exception e) {
            return null; // an unreadable entry is a miss
        }
    }
}
