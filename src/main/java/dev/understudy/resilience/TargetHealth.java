package dev.understudy.resilience;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import java.time.Duration;

/**
 * What one target's own attempts have taught us: a Retry-After cooldown and whether our configuration
 * for it looks wrong (401/403/404). Lock-free; read on every request.
 */
public final class TargetHealth {

    private final Ticker ticker;
    private volatile long cooldownUntil;
    private volatile boolean misconfigured;
    private volatile String lastError;

    public TargetHealth(Ticker ticker) {
        this.ticker = ticker;
        this.cooldownUntil = ticker.nanos();
    }

    public boolean coolingDown() {
        return ticker.nanos() - cooldownUntil < 0;
    }

    /** Time left in the cooldown, zero when none. */
    public Duration cooldownLeft() {
        long left = cooldownUntil - ticker.nanos();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    public void onSuccess() {
        misconfigured = false;
    }

    public void onFailure(ProviderException e) {
        lastError = e.getMessage();
        if (e.failure() == Failure.RATE_LIMITED && e.retryAfter() != null && !e.retryAfter().isZero()) {
            long until = ticker.nanos() + e.retryAfter().toNanos();
            if (until - cooldownUntil > 0) {
                cooldownUntil = until;
            }
        } else if (e.failure() == Failure.MISCONFIGURED) {
            misconfigured = true;
        }
    }

    public boolean misconfigured() {
        return misconfigured;
    }

    public String lastError() {
        return lastError;
    }
}
