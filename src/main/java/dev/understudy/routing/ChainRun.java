package dev.understudy.routing;

import dev.understudy.chat.ChatRequest;
import dev.understudy.provider.ProviderException;
import dev.understudy.resilience.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/** The state of one request's walk down its route: the deadline and what each attempt did. */
final class ChainRun {

    private static final Logger LOG = Logger.getLogger("dev.understudy.fallback");

    final Route route;
    final ChatRequest request;
    final Deadline deadline;
    final Ticker ticker;
    /** Appended by one step at a time (Uni steps happen one after another; StreamSession is synchronized). */
    private final List<Attempt> attempts = new ArrayList<>(2);
    private Duration shortestRetryAfter;

    ChainRun(Route route, ChatRequest request, Ticker ticker) {
        this.route = route;
        this.request = request;
        this.ticker = ticker;
        this.deadline = new Deadline(ticker, route.deadline());
    }

    long now() {
        return ticker.nanos();
    }

    void succeeded(Target t, long startNanos) {
        t.health().onSuccess();
        attempts.add(new Attempt(t.provider(), t.model(), "ok", millisSince(startNanos), 200, null));
    }

    void failed(Target t, ProviderException e, long startNanos) {
        t.health().onFailure(e);
        if (e.retryAfter() != null && (shortestRetryAfter == null || e.retryAfter().compareTo(shortestRetryAfter) < 0)) {
            shortestRetryAfter = e.retryAfter();
        }
        attempts.add(new Attempt(t.provider(), t.model(), e.failure().label(), millisSince(startNanos), e.status(),
                e.getMessage()));
    }

    void skipped(Target t, String why) {
        attempts.add(new Attempt(t.provider(), t.model(), why, 0, 0, null));
    }

    /** One structured line per fallback decision: route, from, to, reason. */
    void logFallback(Target from, Target to, String reason) {
        LOG.infof("fallback route=%s from=%s to=%s reason=%s", route.name(), from.id(), to == null ? "none"
                : to.id(), reason);
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
