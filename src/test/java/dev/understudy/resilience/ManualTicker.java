package dev.understudy.resilience;

import java.time.Duration;

/** A clock that moves only when the test says so. */
public final class ManualTicker implements Ticker {

    private long now = 1_000_000_000L;

    @Override
    public long nanos() {
        return now;
    }

    public void advance(Duration d) {
        now += d.toNanos();
    }
}
