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
}
