package dev.understudy.it;

import static dev.understudy.testing.FakeProviders.primary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Without an OTLP endpoint (the shipped configuration) tracing is off: no SDK, no span, no header sent on. */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class TracingOffByDefaultTest {

    @ConfigProperty(name = "quarkus.otel.sdk.disabled")
    boolean sdkDisabled;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void theSdkIsDisabledWhenNoEndpointIsConfigured() {
        assertThat(sdkDisabled).isTrue();
    }

    @Test
    void sendsNoTraceContextToProvidersWhileTracingIsOff() {
        primary().enqueue(Script.openAiAnswer("Hello"));
        given().contentType("application/json")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .body("{\"model\":\"solo\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        assertThat(primary().lastRequest().header("traceparent")).isNull();
    }
}
