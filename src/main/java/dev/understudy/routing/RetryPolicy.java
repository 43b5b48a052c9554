package dev.understudy.routing;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides, after a failed attempt, between trying the same target again (and after how long), the next
 * target, or giving the error back to the caller — the table of docs/failure-semantics.md. Shared by the streaming
 * and non-streaming chains.
 */
@Singleton
public class RetryPolicy {

    /** 429 without Retry-After: never more than two attempts a second on one target. */
    static final Duration MIN_RATE_LIMIT_WAIT = Duration.ofMillis(500);

    public sealed interface Decision {
    }

    public record RetrySame(Duration after) implements Decision {
    }

    public record NextTarget() implements Decision {
    }

    public record ReturnToCaller() implements Decision {
    }

    private final Duration base;
    private final Duration max;

    @jakarta.inject.Inject
    public RetryPolicy(UnderstudyConfig config) {
        this(config.defaults().backoff(), config.defaults().maxBackoff());
    }

    RetryPolicy(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    /** @param retriesDone same-target retries already made for this target in this request */
    public Decision decide(ProviderException e, Target target, int retriesDone, Deadline deadline) {
        Failure f = e.failure();
        if (f.retrySameTarget() && retriesDone < target.retries()) {
            Duration wait = wait(e, retriesDone);
            // a wait that does not fit the deadline (or is longer than we would ever back off) goes elsewhere
            if (wait != null && wait.compareTo(deadline.remaining()) < 0) {
                return new RetrySame(wait);
            }
        }
        return f.tryNextTarget() ? new NextTarget() : new ReturnToCaller();
    }

    /** The pause before retry number {@code retriesDone + 1}, or null when the provider asks for too long. */
    Duration wait(ProviderException e, int retriesDone) {
        if (e.retryAfter() != null) {
            return e.retryAfter().compareTo(max) <= 0 ? e.retryAfter() : null;
        }
        long exp = base.toNanos() << Math.min(retriesDone, 16);
        long capped = Math.min(exp, max.toNanos());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1); // "equal jitter"
        Duration wait = Duration.ofNanos(jittered);
        if (e.failure() == Failure.RATE_LIMITED && wait.compareTo(MIN_RATE_LIMIT_WAIT) < 0) {
            wait = MIN_RATE_LIMIT_WAIT.plusNanos(ThreadLocalRandom.current().nextLong(MIN_RATE_LIMIT_WAIT.toNanos()
                    / 5));
        }
        return wait;
    }
}
