package dev.understudy.routing;

import dev.understudy.chat.ChatRequest;
import dev.understudy.provider.ProviderException;
import dev.understudy.resilience.Ticker;
import dev.understudy.tracing.RequestSpans;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** The state of one request's walk down its route: the deadline and what each attempt did. */
final class ChainRun {

    private static final Logger LOG = Logger.getLogger("dev.understudy.fallback");

    final Route route;
    /** This request's order of the route's targets (see {@link Router}). */
    final List<Target> targets;
    final ChatRequest request;
    /** Cost strategy: the tier this request needs (0 otherwise). */
    final int requiredTier;
    final Deadline deadline;
    final Ticker ticker;
    /** The request's trace context (its server span): the parent of every attempt span. */
    final Context trace;
    /** Appended by one step at a time (Uni steps happen one after another; StreamSession is synchronized). */
    private final List<Attempt> attempts = new ArrayList<>(2);
    private Duration shortestRetryAfter;

    ChainRun(Route route, ChatRequest request, Ticker ticker, Integer forcedTier, Context trace) {
        this.route = route;
        this.trace = trace;
        this.requiredTier = Router.requiredTier(route, request, forcedTier);
        this.targets = Router.order(route, request, forcedTier);
        this.request = request;
        this.ticker = ticker;
        this.deadline = new Deadline(ticker, route.deadline());
    }

    long now() {
        return ticker.nanos();
    }

    /**
     * The first target from {@code index} on that may be called now, recording the ones skipped
     * (cooling down, breaker open) — no network call for those. -1 when none is left or time is up.
     */
    int nextCallable(int index) {
        for (int i = index; i < targets.size(); i++) {
            if (deadline.expired()) {
                return -1;
            }
            Target t = targets.get(i);
            if (t.health().coolingDown()) {
                skipped(t, "skipped_cooldown");
            } else if (!t.health().breaker().tryAcquire()) {
                skipped(t, "skipped_open");
            } else {
                return i;
            }
        }
        return -1;
    }

    /**
     * Did a less capable target than the request needs answer (a budget cap, or no capable target left)?
     * Then the caller is told: "Shorter response due to capacity limits".
     */
    boolean capped(Target answered) {
        return answered.price().tier() < requiredTier;
    }

    /**
     * A same-target retry needs the breaker's consent again: failures may have opened it meanwhile.
     * (Its cooldown is not asked: the retry waited out that very Retry-After.)
     */
    boolean mayRetry(Target t) {
        return t.health().breaker().tryAcquire();
    }

    void succeeded(Target t, long startNanos) {
        long latency = ticker.nanos() - startNanos;
        t.health().onSuccess(latency);
        t.meters().attempt("ok", latency);
        attempts.add(new Attempt(t.provider(), t.model(), "ok", latency / 1_000_000, 200, null));
    }

    void failed(Target t, ProviderException e, long startNanos) {
        t.health().onFailure(e);
        t.meters().attempt(e.failure().label(), ticker.nanos() - startNanos);
        if (e.retryAfter() != null && (shortestRetryAfter == null || e.retryAfter().compareTo(shortestRetryAfter) < 0)) {
            shortestRetryAfter = e.retryAfter();
        }
        attempts.add(new Attempt(t.provider(), t.model(), e.failure().label(), millisSince(startNanos), e.status(),
                e.getMessage()));
    }

    /**
     * A target passed over without a call. It is a fallback too (the answer will not come from it), counted
     * as {@code circuit_open} / {@code cooldown} so that a route living on its backup during an outage shows
     * in {@code understudy_fallbacks_total}; logged at debug only — one line per request would flood the log
     * during an outage whose breaker transition was already logged.
     */
    void skipped(Target t, String why) {
        t.meters().attempt(why, 0);
        attempts.add(new Attempt(t.provider(), t.model(), why, 0, 0, null));
        String reason = "skipped_open".equals(why) ? "circuit_open" : "cooldown";
        route.meters().fallback(reason);
        RequestSpans.skipped(trace, t.id(), reason);
        if (LOG.isDebugEnabled()) {
            LOG.debugf("fallback route=%s from=%s reason=%s", route.name(), t.id(), reason);
        }
    }

    /** One structured line per fallback decision: route, from, to, reason (also as MDC fields). */
    void logFallback(Target from, int nextIndex, String reason) {
        route.meters().fallback(reason);
        RequestSpans.fallback(trace, from.id(), reason);
        String to = nextIndex < targets.size() ? targets.get(nextIndex).id() : "none";
        MDC.put("route", route.name());
        MDC.put("from", from.id());
        MDC.put("to", to);
        MDC.put("reason", reason);
        try {
            LOG.infof("fallback route=%s from=%s to=%s reason=%s", route.name(), from.id(), to, reason);
        } finally {
            MDC.remove("route");
            MDC.remove("from");
            MDC.remove("to");
            MDC.remove("reason");
        }
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Targets called so far, {@code current} included (skips excluded): {@code x-understudy-attempts}. */
    int triedTargets(Target current) {
        List<Attempt> all = new ArrayList<>(attempts);
        all.add(new Attempt(current.provider(), current.model(), "current", 0, 0, null));
        return Attempt.distinctTargetsCalled(all);
    }

    /** When to come back after every target failed: the shortest Retry-After or cooldown seen, else 5 s. */
    Duration retryAfterHint() {
        Duration hint = shortestRetryAfter;
        for (Target t : route.targets()) {
            Duration open = t.health().breaker().openFor();
            if (!open.isZero() && (hint == null || open.compareTo(hint) < 0)) {
                hint = open;
            }
            Duration left = t.health().cooldownLeft();
            if (!left.isZero() && (hint == null || left.compareTo(hint) < 0)) {
                hint = left;
            }
        }
        return hint == null ? Duration.ofSeconds(5) : hint;
    }

    private long millisSince(long startNanos) {
        return (ticker.nanos() - startNanos) / 1_000_000;
    }
}
