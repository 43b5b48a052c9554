package dev.understudy.provider;

import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * One provider endpoint (a configured {@code understudy.providers.<name>}). Implementations keep
 * mapping (pure, in a *Mapper class) apart from transport, and fail only with {@link ProviderException}.
 * Timeouts are the caller's business: a cancelled Uni/Multi must release the upstream request.
 */
public interface ProviderAdapter {

    /** A complete, non-streaming answer from {@code model}. */
    Uni<ChatResponse> complete(String model, ChatRequest request);

    /**
     * A streamed answer from {@code model}. Completes normally when the provider ended its stream
     * (whether or not a finish was seen: the caller checks); fails with a {@link ProviderException}
     * on an error status, a cut connection or an in-band error event. Malformed events are skipped.
     */
    Multi<ChatChunk> stream(String model, ChatRequest request);

    /** Whether the provider continues a final assistant turn (prefill) instead of answering anew. */
    boolean supportsPrefill();

    /** Whether {@code model} on this endpoint continues a final assistant turn; by default {@link #supportsPrefill}. */
    default boolean supportsPrefill(String model) {
        return supportsPrefill();
    }

    /**
     * The cheapest request that shows the endpoint is reachable and accepts our credentials (no tokens
     * billed). Fails with a {@link ProviderException}.
     */
    Uni<Void> probe();

    /** Counts events skipped because they could not be parsed (for metrics). */
    default long malformedEvents() {
        return 0;
    }
}
