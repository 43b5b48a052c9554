package dev.understudy.chaos;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.HttpErrors;
import dev.understudy.resilience.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The faults currently injected, per provider. Injected faults take the same paths as real ones
 * (the same {@link ProviderException}s, so retries, breakers, cooldowns, metrics and last resorts all
 * react as they would in a real outage). Error rates are spread evenly, not drawn at random, so a game
 * day replays the same way.
 */
public final class Chaos {

    private final Ticker ticker;
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, double[]> debt = new ConcurrentHashMap<>();

    public Chaos(Ticker ticker) {
        this.ticker = ticker;
    }

    public void set(String provider, Fault fault) {
        faults.put(provider, fault);
        debt.put(provider, new double[1]);
    }

    public void clear(String provider) {
        faults.remove(provider);
    }

    public void clearAll() {
        faults.clear();
    }

    /** The active fault of a provider, or null (expired faults are dropped here). */
    public Fault active(String provider) {
        Fault f = faults.get(provider);
        if (f != null && f.expired(ticker.nanos())) {
            faults.remove(provider, f);
            return null;
        }
        return f;
    }

    public Map<String, Fault> all() {
        faults.values().removeIf(f -> f.expired(ticker.nanos()));
        return Map.copyOf(faults);
    }

    public long nanosLeft(Fault f) {
        return f.untilNanos() == 0 ? 0 : Math.max(0, f.untilNanos() - ticker.nanos());
    }

    public long now() {
        return ticker.nanos();
    }

    /** The failure this call suffers, or null when it goes through. */
    ProviderException failureFor(String provider, Fault f) {
        if (f.outage()) {
            return new ProviderException(Failure.CONNECT, "connection refused (chaos: outage of " + provider + ")");
        }
        if (f.rateLimit()) {
            return HttpErrors.classify(429, h -> "retry-after".equals(h) ? "1" : null,
                    "{\"error\":{\"message\":\"rate limited (chaos: 429 storm on " + provider + ")\"}}");
        }
        if (f.errorRate() > 0) {
            double[] d = debt.computeIfAbsent(provider, p -> new double[1]);
            synchronized (d) {
                d[0] += f.errorRate();
                if (d[0] >= 1 - 1e-9) {
                    d[0] -= 1;
                    return HttpErrors.classify(f.status(), h -> null, "{\"error\":{\"message\":\"injected "
                            + f.status() + " (chaos on " + provider + ")\"}}");
                }
            }
        }
        return null;
    }

    static Duration latency(Fault f) {
        return f.latency() == null ? Duration.ZERO : f.latency();
    }
}
