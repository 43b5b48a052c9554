package dev.understudy.testing;

import java.util.List;

/** {@link CloudProfile}'s providers with tracing on, exported to {@link TracingProfile}'s receiver. */
public class TracedCloudProfile extends CloudProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Fakes.class), new TestResourceEntry(TracingProfile.Receiver.class));
    }
}
