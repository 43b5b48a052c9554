package dev.understudy.routing;

import dev.understudy.chat.ChatRequest;
import dev.understudy.resilience.Ticker;
import dev.understudy.tracing.AttemptSpans;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;

/**
 * Streaming requests: each one gets a {@link StreamSession}, the state machine that fails over
 * invisibly before the first content chunk and continues the answer on the next target after it.
 */
@Singleton
public class StreamingChain {

    private final RetryPolicy policy;
    private final Vertx vertx;
    private final Ticker ticker;
    private final AttemptSpans spans;

    public StreamingChain(RetryPolicy policy, Vertx vertx, AttemptSpans spans) {
        this.policy = policy;
        this.vertx = vertx;
        this.ticker = Ticker.SYSTEM;
        this.spans = spans;
    }

    /** Starts the stream; the returned session can be cancelled when the caller goes away. */
    public StreamSession stream(Route route, ChatRequest request, Integer forcedTier, StreamSink sink) {
        StreamSession session = new StreamSession(new ChainRun(route, request, ticker, forcedTier,
                spans.requestContext()), sink, policy, vertx, spans);
        session.begin();
        return session;
    }
}
