package dev.understudy.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one warning through per interval: a dependency that fails on every request (Redis down, a channel
 * full of malformed messages) logs a line every 10 s, not one per request. The first warning always passes.
 */
public final class WarnGate {

    private final long everyNanos;
    private final AtomicLong last;

    public WarnGate(Duration every) {
        this.everyNanos = every.toNanos();
        this.last = new AtomicLong(System.nanoTime() - everyNanos);
    }

    /** True for the first caller once the interval since the last warning has passed. */
    public boolean open() {
        long now = System.nanoTime();
        long previous = last.get();
        return now - previous >= everyNanos && last.compareAndSet(previous, now);
    }
}
