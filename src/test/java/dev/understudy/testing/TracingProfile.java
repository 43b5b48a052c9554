package dev.understudy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Tracing on: the gateway exports its spans over OTLP/HTTP to a real receiver started for the test, after at
 * most 50 ms of batching, so the test's bounded wait stays short. The same fake providers as everywhere else.
 */
public class TracingProfile implements QuarkusTestProfile {

    private static volatile OtlpReceiver receiver;

    public static OtlpReceiver receiver() {
        return receiver;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeProviders.class), new TestResourceEntry(Receiver.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("understudy.cache.similar-lookup", "false");
    }

    /** Starts the receiver before the gateway and points the standard Quarkus keys at it. */
    public static class Receiver implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            receiver = OtlpReceiver.start();
            // no protocol: http/protobuf is the gateway's default
            return Map.of("quarkus.otel.exporter.otlp.endpoint", receiver.endpoint(),
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }

        @Override
        public void stop() {
            if (receiver != null) {
                receiver.close();
            }
        }
    }
}
