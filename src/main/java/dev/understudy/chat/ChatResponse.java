package dev.understudy.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A complete answer in canonical form.
 *
 * @param model        the model of the target that answered
 * @param finishReason OpenAI vocabulary: stop, length, tool_calls, content_filter
 * @param refusal      a safety refusal text, when the provider gave one instead of content
 */
@RegisterForReflection
public record ChatResponse(String id, String model, long created, String content, List<ToolCall> toolCalls,
        String finishReason, Usage usage, String refusal) {

    /**
     * An answer made now from a provider's content blocks: {@code text} null when it had no text block, no tool
     * calls → null; a {@code content_filter} finish turns the text into the refusal (a canned one when blank).
     */
    public static ChatResponse fromBlocks(String id, String model, String text, List<ToolCall> calls,
            String finishReason, Usage usage) {
        String content = text;
        String refusal = null;
        if ("content_filter".equals(finishReason)) {
            refusal = content != null && !content.isBlank() ? content : "The provider declined to answer.";
            content = null;
        }
        return new ChatResponse(id, model, java.time.Instant.now().getEpochSecond(), content,
                calls.isEmpty() ? null : List.copyOf(calls), finishReason, usage, refusal);
    }
}
