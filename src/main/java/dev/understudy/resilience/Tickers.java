package dev.understudy.resilience;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The gateway's clock for breakers, cooldowns, deadlines and trial scheduling: the system's monotonic
 * clock, unless another {@link Ticker} bean replaces it (a test's hand-moved clock).
 */
@ApplicationScoped
public class Tickers {

    @Produces
    @DefaultBean
    @Singleton
    Ticker system() {
        return Ticker.SYSTEM;
    }
}
