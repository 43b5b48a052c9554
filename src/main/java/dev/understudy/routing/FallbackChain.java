package dev.understudy.routing;

import dev.understudy.chat.ChatRequest;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.resilience.Ticker;
import dev.understudy.tracing.AttemptSpans;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;

/**
 * Non-streaming requests: walks the route's targets in order. Per target: skip if cooling down → call
 * with min(timeout, deadline left) → on failure ask {@link RetryPolicy}: same target after a wait, next
 * target, or back to the caller.
 */
@Singleton
public class FallbackChain {

    private final RetryPolicy policy;
    private final Vertx vertx;
    private final Ticker ticker;
    private final AttemptSpans spans;

    @jakarta.inject.Inject
    public FallbackChain(RetryPolicy policy, Vertx vertx, Ticker ticker, AttemptSpans spans) {
        this.policy = policy;
        this.vertx = vertx;
        this.ticker = ticker;
        this.spans = spans;
    }

    public Uni<ChainResult> complete(Route route, ChatRequest request) {
        return complete(route, request, null);
    }

    /** @param forcedTier the caller's {@code x-understudy-tier} for cost routing, or null */
    public Uni<ChainResult> complete(Route route, ChatRequest request, Integer forcedTier) {
        ChainRun run = new ChainRun(route, request, ticker, forcedTier, spans.requestContext());
        return next(run, 0);
    }

    private Uni<ChainResult> next(ChainRun run, int from) {
        int index = run.nextCallable(from);
        return index < 0 ? Uni.createFrom().item(exhausted(run)) : attempt(run, index, 0);
    }

    private Uni<ChainResult> attempt(ChainRun run, int index, int retriesDone) {
        Target target = run.targets.get(index);
        Duration timeout = run.deadline.cap(target.timeout());
        long start = run.now();
        Span span = spans.start(run.trace, target, run.request, false, null);
        Uni<dev.understudy.chat.ChatResponse> call =
                AttemptSpans.within(span, () -> target.adapter().complete(target.model(), run.request));
        return AttemptSpans.endOnCancel(span, failAfter(call, timeout))
                .map(response -> {
                    run.succeeded(target, start);
                    spans.succeeded(span, run.trace, target, index > 0, response.model(), response.usage(),
                            response.finishReason(), response.content());
                    return new ChainResult(response, target, index > 0, run.attempts(), null, null,
                            run.capped(target));
                })
                .onFailure().recoverWithUni(t -> {
                    ProviderException e = asProviderException(t);
                    run.failed(target, e, start);
                    spans.failed(span, e, false);
                    RetryPolicy.Decision decision = policy.decide(e, target, retriesDone, run.deadline);
                    if (decision instanceof RetryPolicy.RetrySame same) {
                        return Uni.createFrom().voidItem().onItem().delayIt().by(same.after())
                                .chain(() -> {
                                    if (run.mayRetry(target)) {
                                        return attempt(run, index, retriesDone + 1);
                                    }
                                    // the failures meanwhile opened its breaker: no retry, the next target
                                    run.logFallback(target, index + 1, e.failure().label());
                                    return next(run, index + 1);
                                });
                    }
                    if (decision instanceof RetryPolicy.ReturnToCaller) {
                        return Uni.createFrom().item(new ChainResult(null, null, false, run.attempts(), e, null));
                    }
                    run.logFallback(target, index + 1, e.failure().label());
                    return next(run, index + 1);
                });
    }

    /**
     * Fails with {@link Failure#TIMEOUT} when no item came in time, cancelling (and so resetting) the call.
     * A Vert.x timer on the caller's event loop: cheaper than Mutiny's shared scheduler on the hot path.
     */
    private <T> Uni<T> failAfter(Uni<T> call, Duration timeout) {
        return Uni.createFrom().emitter(emitter -> {
            long ms = Math.max(1, timeout.toMillis());
            java.util.concurrent.atomic.AtomicReference<io.smallrye.mutiny.subscription.Cancellable> running =
                    new java.util.concurrent.atomic.AtomicReference<>();
            long timer = vertx.setTimer(ms, id -> {
                io.smallrye.mutiny.subscription.Cancellable c = running.get();
                if (c != null) {
                    c.cancel();
                }
                emitter.fail(new ProviderException(Failure.TIMEOUT, "no response within " + ms + " ms"));
            });
            running.set(call.subscribe().with(item -> {
                vertx.cancelTimer(timer);
                emitter.complete(item);
            }, failure -> {
                vertx.cancelTimer(timer);
                emitter.fail(failure);
            }));
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer);
                running.get().cancel();
            });
        });
    }

    private static ChainResult exhausted(ChainRun run) {
        return new ChainResult(null, null, false, run.attempts(), null, run.retryAfterHint());
    }

    static ProviderException asProviderException(Throwable t) {
        if (t instanceof ProviderException pe) {
            return pe;
        }
        if (t.getCause() instanceof ProviderException pe) {
            return pe;
        }
        return new ProviderException(Failure.CONNECT, t.getClass().getSimpleName() + ": " + t.getMessage());
    }
}
