package dev.understudy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two gateway replicas sharing one Redis: starts a private {@link RedisServer} and the fake providers
 * {@code flaky} and {@code steady}, and configures route {@code shared} (flaky/m1 without retries, then
 * steady/m2) with a breaker that opens after 2 failures for 30 s. The same {@link #overrides()} start
 * the second replica.
 */
public class PeerReplicasResource implements QuarkusTestResourceLifecycleManager {

    private static RedisServer redis;
    private static FakeProvider flaky;
    private static FakeProvider steady;
    private static Map<String, String> overrides;

    public static FakeProvider flaky() {
        return flaky;
    }

    public static FakeProvider steady() {
        return steady;
    }

    public static RedisServer redis() {
        return redis;
    }

    /** The configuration given to replica A, for starting replica B the same way. */
    public static Map<String, String> overrides() {
        return overrides;
    }

    @Override
    public Map<String, String> start() {
        redis = RedisServer.start();
        flaky = FakeProvider.start("flaky");
        steady = FakeProvider.start("steady");
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.redis.hosts", redis.url());
        provider(c, "flaky", flaky);
        provider(c, "steady", steady);
        c.put("understudy.routes.shared.deadline", "10s");
        c.put("understudy.routes.shared.targets[0].provider", "flaky");
        c.put("understudy.routes.shared.targets[0].model", "m1");
        c.put("understudy.routes.shared.targets[0].retries", "0");
        c.put("understudy.routes.shared.targets[1].provider", "steady");
        c.put("understudy.routes.shared.targets[1].model", "m2");
        c.put("understudy.circuit-breaker.failure-threshold", "2");
        c.put("understudy.circuit-breaker.delay", "30s");
        c.put("understudy.health-check.interval", "1h"); // no probes: only the tests' requests reach the fakes
        c.put("understudy.health-check.trial-interval", "1h");
        c.put("understudy.cache.enabled", "false"); // every request must be routed, never answered from a cache
        overrides = Map.copyOf(c);
        return c;
    }

    private static void provider(Map<String, String> c, String name, FakeProvider fake) {
        c.put("understudy.providers." + name + ".type", "openai");
        c.put("understudy.providers." + name + ".base-url", fake.baseUrl() + "/v1");
        c.put("understudy.providers." + name + ".api-key", "sk-test-x");
    }

    @Override
    public void stop() {
        for (AutoCloseable c : new AutoCloseable[] {flaky, steady, redis}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }
}
