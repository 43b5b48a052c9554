package dev.understudy.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The fake providers behind gateway keys: alice (route chain only), bob (all routes, 2 requests/s); the admin
 * API on a port of its own (port 0: a free one, see {@code AdminApi.listeningPort()}).
 */
public class AuthProfile implements QuarkusTestProfile {

    public static final String ALICE = "ust-alice-0123456789abcdef";
    public static final String BOB = "ust-bob-fedcba9876543210";
    public static final String ADMIN = "ust-admin-5555aaaa7777bbbb";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeProviders.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "understudy.auth.admin-port", "0",
                "understudy.auth.admin-host", "127.0.0.1",
                "understudy.cache.similar-lookup", "false", // see GatewayProfile
                "understudy.auth.keys.alice.hash", "sha256:" + dev.understudy.security.Keys.sha256(ALICE),
                "understudy.auth.keys.alice.routes", "chain",
                "understudy.auth.keys.bob.hash", dev.understudy.security.Keys.sha256(BOB),
                "understudy.auth.keys.bob.rate", "2",
                "understudy.auth.admin-key-hash", dev.understudy.security.Keys.sha256(ADMIN),
                "understudy.circuit-breaker.failure-threshold", "1000");
    }
}
