package dev.understudy.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The fake providers again, with breakers and probes on a short clock: threshold 3, delay 1 s doubling
 * up to 2 s, a probe round and a look for due trials every 250 ms. (A second Quarkus start, so keep these tests in one class.)
 */
public class ResilienceProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeProviders.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new java.util.HashMap<>(Map.of(                "understudy.circuit-breaker.failure-threshold", "3",
                "understudy.circuit-breaker.delay", "1s",
                "understudy.circuit-breaker.max-delay", "2s",
                "understudy.health-check.interval", "250ms",
                "understudy.routes.fast.strategy", "latency",
                "understudy.routes.fast.targets[0].provider", "primary",
                "understudy.routes.fast.targets[0].model", "gpt-primary",
                "understudy.routes.fast.targets[1].provider", "secondary",
                "understudy.routes.fast.targets[1].model", "gpt-secondary"));
        config.put("understudy.health-check.trial-interval", "250ms");
        config.put("understudy.providers.limited.probe", "models"); // its model list is declared an honest signal
        config.put("understudy.cache.similar-lookup", "false"); // see GatewayProfile
        return config;
    }
}
