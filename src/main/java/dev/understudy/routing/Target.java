package dev.understudy.routing;

import dev.understudy.cost.Price;
import dev.understudy.metrics.Metrics;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.resilience.TargetHealth;
import java.time.Duration;

/**
 * One resolved entry of a route's fallback list: a model on a provider endpoint, with its own limits
 * (inherited from {@code understudy.defaults}) and its own health.
 */
public record Target(String route, String provider, String providerType, String model, ProviderAdapter adapter,
        Duration timeout, Duration firstTokenTimeout, Duration idleTimeout, int retries, int priority,
        TargetHealth health, Price price, Metrics.TargetMeters meters) {

    /** {@code provider/model}, the name used in logs and status. */
    public String id() {
        return provider + "/" + model;
    }
}
