package dev.understudy.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * One streamed piece of an answer in canonical form. Any field may be null.
 * A chunk with a {@code finishReason} marks the answer complete; {@code usage} may come with it or after it.
 */
@RegisterForReflection
public record ChatChunk(String text, List<ToolCallDelta> toolCalls, String finishReason, Usage usage) {

    /** A piece of a streamed tool call: the first delta of a call carries id and name. */
    @RegisterForReflection
    public record ToolCallDelta(int index, String id, String name, String arguments) {
    }

    public static ChatChunk text(String text) {
        return new ChatChunk(text, null, null, null);
    }

    public static ChatChunk finish(String reason, Usage usage) {
        return new ChatChunk(null, null, reason, usage);
    }

    /** True when the chunk carries answer content the caller will see (text or a tool call). */
    public boolean hasContent() {
        return (text != null && !text.isEmpty()) || (toolCalls != null && !toolCalls.isEmpty());
    }
}
