package dev.understudy.chaos;

import java.time.Duration;

/**
 * Faults injected into one provider (docs/resilience.md, {@code POST /admin/chaos}): a share of errors with a
 * status, added latency, a total outage, a 429 storm; until {@code untilNanos} (0 = until cleared).
 */
public record Fault(double errorRate, int status, Duration latency, boolean outage, boolean rateLimit,
        long untilNanos) {

    public boolean expired(long nowNanos) {
        return untilNanos != 0 && nowNanos - untilNanos >= 0;
    }
}
