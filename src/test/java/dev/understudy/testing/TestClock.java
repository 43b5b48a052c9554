package dev.understudy.testing;

import dev.understudy.resilience.Ticker;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's clock, moved by hand: breakers, cooldowns and trial schedules follow it, so a test can
 * play minutes of an outage in a second. Replaces the system clock only in the profiles that enable it
 * ({@code getEnabledAlternatives}).
 */
@Alternative
@Singleton
public class TestClock implements Ticker {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanos() {
        return now.get();
    }

    public void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
