package dev.understudy.resilience;

import io.quarkus.arc.DefaultBean;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

/**
 * The gateway's clock for breakers, cooldowns, deadlines and trial scheduling: the system's monotonic
 * clock, unless another {@link Ticker} bean replaces it (a test's hand-moved clock).
 */
@Singleton
public class Tickers {

    @Produces
    @DefaultBean
    @Singleton
    Ticker system() {
        return Ticker.SYSTEM;
    }
}
