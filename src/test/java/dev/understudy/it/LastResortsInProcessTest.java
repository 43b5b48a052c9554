package dev.understudy.it;

import dev.understudy.testing.LastResortsProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The last resorts on the embedded default: in-process cache and queue, no Redis. */
@QuarkusTest
@TestProfile(LastResortsProfiles.InProcess.class)
class LastResortsInProcessTest extends LastResortsContract {
}
