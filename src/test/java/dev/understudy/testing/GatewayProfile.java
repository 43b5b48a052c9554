package dev.understudy.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The one profile of the HTTP-level tests: one Quarkus start, fake providers shared by every class. */
public class GatewayProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeProviders.class));
    }
}
