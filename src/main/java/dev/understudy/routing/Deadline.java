package dev.understudy.routing;

import dev.understudy.resilience.Ticker;
import java.time.Duration;

/** The route's whole budget for one request. */
public final class Deadline {

    private final Ticker ticker;
    private final long end;

    public Deadline(Ticker ticker, Duration budget) {
        this.ticker = ticker;
        this.end = ticker.nanos() + budget.toNanos();
    }

    public Duration remaining() {
        long left = end - ticker.nanos();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    public boolean expired() {
        return end - ticker.nanos() <= 0;
    }

    /** The shorter of {@code limit} and what is left. */
    public Duration cap(Duration limit) {
        Duration left = remaining();
        return left.compareTo(limit) < 0 ? left : limit;
    }
}
