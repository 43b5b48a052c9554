package dev.understudy.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The fake providers and a real redis-server that the test freezes (SIGSTOP) and resumes (SIGCONT). */
public class FrozenRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeProviders.class), new TestResourceEntry(RedisResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("understudy.cache.similar-lookup", "false"); // see GatewayProfile
    }
}
