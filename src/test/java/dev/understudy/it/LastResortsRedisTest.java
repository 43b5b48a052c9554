package dev.understudy.it;

import static dev.understudy.testing.FakeProviders.primary;
import static org.hamcrest.Matchers.equalTo;

import dev.understudy.testing.Await;
import dev.understudy.testing.LastResortsProfiles;
import dev.understudy.testing.RedisResource;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The last resorts on a real redis-server, plus what happens when Redis itself goes away. */
@QuarkusTest
@TestProfile(LastResortsProfiles.WithRedis.class)
class LastResortsRedisTest extends LastResortsContract {

    @Test
    void keepsAnsweringFromProvidersWhileRedisIsDownAndCachesAgainWhenItReturns() {
        RedisResource.kill();
        try {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                json().body(body("solo", question, false)).post("/v1/chat/completions").then().statusCode(200)
                        .header("x-understudy-source", "provider");
                org.assertj.core.api.Assertions.assertThat(Calls.millisSince(start)).isLessThan(500);
            }
        } finally {
            RedisResource.restart();
        }
        // the failed stores opened the store's breaker: stores are skipped at once until its delay (5 s) has
        // passed, then the next one goes through and closes it (no restart of the gateway)
        primary().setDefault(Script.openAiAnswer("Back again."));
        org.assertj.core.api.Assertions.assertThat(Await.within(Duration.ofSeconds(15), Duration.ofMillis(100), () -> {
            json().body(body("solo", question, false)).post("/v1/chat/completions").then().statusCode(200)
                    .header("x-understudy-source", "provider");
            return Await.within(Duration.ofMillis(500), Duration.ofMillis(50),
                    () -> RedisResource.server().keyCount() >= 2);
        })).as("an answer is stored in Redis again").isTrue();
        primary().setDefault(DOWN);
        within(Duration.ofSeconds(5), () -> json().body(body("solo", question, false)).post("/v1/chat/completions"),
                "cache").then().statusCode(200)
                .body("choices[0].message.content", equalTo("Back again."));
    }
}
