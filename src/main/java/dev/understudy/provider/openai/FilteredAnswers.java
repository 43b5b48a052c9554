package dev.understudy.provider.openai;

import dev.understudy.chat.ChatResponse;

/**
 * An OpenAI-format answer that a provider's content filter stopped ({@code finish_reason: content_filter})
 * becomes a refusal, as {@link ChatResponse#fromBlocks} makes one: the filtered text (or the provider's reason
 * when there is none) is the refusal, returned to the caller, never failed over.
 */
public final class FilteredAnswers {

    private FilteredAnswers() {
    }

    public static ChatResponse asRefusal(ChatResponse r, String reason) {
        if (!"content_filter".equals(r.finishReason()) || r.refusal() != null) {
            return r;
        }
        String refusal = r.content() != null && !r.content().isBlank() ? r.content() : reason;
        return new ChatResponse(r.id(), r.model(), r.created(), null, r.toolCalls(), r.finishReason(), r.usage(),
                refusal);
    }
}
