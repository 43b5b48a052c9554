package dev.understudy.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The last-resort tests run twice: on a real redis-server, and on the in-process stores. */
public final class LastResortsProfiles {

    private LastResortsProfiles() {
    }

    static final Map<String, String> SETTINGS = Map.of(
            "understudy.queue.poll-interval", "200ms",
            "understudy.queue.max-wait", "3s",
            "understudy.circuit-breaker.failure-threshold", "1000",
            "understudy.health-check.interval", "1h",
            "understudy.cache.ttl", "2s",
            "understudy.cache.max-entries", "3");

    public static class WithRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeProviders.class), new TestResourceEntry(RedisResource.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return SETTINGS;
        }
    }

    public static class InProcess implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeProviders.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return SETTINGS;
        }
    }
}
