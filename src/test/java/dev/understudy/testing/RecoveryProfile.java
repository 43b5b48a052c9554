package dev.understudy.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fake providers on the hand-moved {@link TestClock}, with the shipped recovery defaults (breaker
 * threshold, delay, max-delay: none overridden) and the shipped retry count on route {@code recovery}
 * (primary → secondary). The prober's own timer is off (1 h): the test runs each round itself, at the
 * fake second it wants, so the timeline is exact. The primary's model carries a price, so that the cost
 * of trials shows in the ledger.
 */
public class RecoveryProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeProviders.class));
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(TestClock.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "understudy.routes.recovery.targets[0].provider", "primary",
                "understudy.routes.recovery.targets[0].model", "gpt-primary",
                "understudy.routes.recovery.targets[0].retries", "2",
                "understudy.routes.recovery.targets[0].price-input", "1000",
                "understudy.routes.recovery.targets[0].price-output", "1000",
                "understudy.routes.recovery.targets[1].provider", "secondary",
                "understudy.routes.recovery.targets[1].model", "gpt-secondary",
                "understudy.health-check.trial-interval", "1h",
                "understudy.cache.similar-lookup", "false"); // see GatewayProfile
    }
}
