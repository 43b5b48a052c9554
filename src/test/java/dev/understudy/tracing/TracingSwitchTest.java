package dev.understudy.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tracing defaults and the protocol check, on a plain SmallRye Config (no gateway started). */
class TracingSwitchTest {

    private static SmallRyeConfig config(Map<String, String> user) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(user, "user", 300))
                .withSources(new TracingSwitch())
                .withDefaultValue("quarkus.otel.exporter.otlp.protocol", "grpc") // Quarkus' own default
                .build();
    }

    @Test
    void offWithoutAnEndpointAndHttpProtobufByDefault() {
        SmallRyeConfig config = config(Map.of());
        assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isTrue();
        assertThat(config.getRawValue("quarkus.otel.exporter.otlp.protocol")).isEqualTo("http/protobuf");
    }

    @Test
    void anEndpointSwitchesTracingOnOverHttpProtobuf() {
        SmallRyeConfig config = config(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4318"));
        assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isFalse();
        assertThat(config.getRawValue("quarkus.otel.exporter.otlp.protocol")).isEqualTo("http/protobuf");
    }

    @Test
    void refusesGrpcNamingTheKeyThatWasSet() {
        assertThatThrownBy(() -> config(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317",
                "quarkus.otel.exporter.otlp.protocol", "grpc")))
                .hasMessageStartingWith("quarkus.otel.exporter.otlp.protocol=grpc is not supported")
                .hasMessageContaining("http/protobuf");
        assertThatThrownBy(() -> config(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4317",
                "quarkus.otel.exporter.otlp.traces.protocol", "grpc")))
                .hasMessageStartingWith("quarkus.otel.exporter.otlp.traces.protocol=grpc is not supported");
    }

    @Test
    void aProtocolOnlyMattersOnceTracingIsOn() {
        assertThat(config(Map.of("quarkus.otel.exporter.otlp.protocol", "grpc"))
                .getValue("quarkus.otel.sdk.disabled", Boolean.class)).isTrue();
    }
}
