package dev.understudy.it;

import static dev.understudy.testing.CloudProfile.Fakes.azure;
import static dev.understudy.testing.TracingProfile.receiver;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.Await;
import dev.understudy.testing.CloudProfile;
import dev.understudy.testing.OtlpReceiver.Received;
import dev.understudy.testing.Script;
import dev.understudy.testing.TracedCloudProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A provider behind a cloud identity (Azure OpenAI with an Entra client secret, its token obtained through
 * Uni callbacks): with Mutiny's context propagation left out, the provider request still carries the
 * attempt's own trace context.
 */
@QuarkusTest
@TestProfile(TracedCloudProfile.class)
class TracedCloudTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @BeforeEach
    void reset() {
        CloudProfile.Fakes.resetAll();
    }

    @Test
    void aProviderBehindACloudIdentityGetsTheAttemptsTraceContext() {
        azure().enqueue(Script.openAiAnswer("Hello with a fresh token"));
        given().contentType("application/json").header("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01")
                .body("{\"model\":\"azure-secret\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).header("x-understudy-provider", "azure-secret");

        assertThat(Await.within(Duration.ofSeconds(10), Duration.ofMillis(20),
                () -> attempts().size() == 1)).as("the attempt span of trace %s", TRACE).isTrue();
        String traceparent = azure().lastRequest().header("traceparent");
        assertThat(traceparent).isEqualTo("00-" + TRACE + "-" + attempts().get(0).spanId() + "-01");
    }

    private static List<Received> attempts() {
        return receiver().trace(TRACE).stream()
                .filter(s -> s.kind().equals("SPAN_KIND_CLIENT") && s.name().startsWith("chat ")).toList();
    }
}
