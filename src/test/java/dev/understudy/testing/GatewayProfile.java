package dev.understudy.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The one profile of the HTTP-level tests: one Quarkus start, fake providers shared by every class. */
public class GatewayProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeProviders.class));
    }

    /**
     * The embedding runtime's JNI library can be loaded by one class loader per JVM only, and every
     * Quarkus restart is a new one: so only the last-resort tests (which check it) load the model.
     */
    @Override
    public java.util.Map<String, String> getConfigOverrides() {
        return java.util.Map.of("understudy.cache.similar-lookup", "false",
                "understudy.limits.body-timeout", "2s", // SlowClientsTest: short, still far above loopback times
                "understudy.limits.write-stall-timeout", "1s");
    }
}
