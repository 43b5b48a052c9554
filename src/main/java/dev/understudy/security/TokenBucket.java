package dev.understudy.security;

import dev.understudy.resilience.Ticker;

/** A token bucket: {@code rate} tokens a second, at most {@code burst} saved up. */
public final class TokenBucket {

    private final Ticker ticker;
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(Ticker ticker, double ratePerSecond, double burst) {
        this.ticker = ticker;
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = ticker.nanos();
    }

    public double ratePerSecond() {
        return ratePerNano * 1e9;
    }

    public double burst() {
        return burst;
    }

    /** Takes a token; returns 0 if one was there, else the nanoseconds until one will be. */
    public synchronized long take() {
        long now = ticker.nanos();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / ratePerNano);
    }
}
