package dev.understudy.tracing;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tracing is off unless an OTLP endpoint is configured: without {@code quarkus.otel.exporter.otlp.endpoint}
 * (or {@code quarkus.otel.exporter.otlp.traces.endpoint}) this source says {@code quarkus.otel.sdk.disabled=true},
 * so no Vert.x tracer is installed, no span is made and nothing is exported (Quarkus' own default would export
 * to localhost:4317). With an endpoint, log lines get {@code traceId=… spanId=…} through
 * {@code understudy-log.trace-ids}, which the console format in application.yaml includes.
 *
 * <p>Only a default: its ordinal is below every file, environment variable and system property, so an explicit
 * {@code quarkus.otel.sdk.disabled} wins.
 */
public class TracingSwitch implements ConfigSourceFactory {

    static final int ORDINAL = 50;
    static final String LOG_IDS = "traceId=%X{traceId} spanId=%X{spanId} ";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean on = configured(context, "quarkus.otel.exporter.otlp.endpoint")
                || configured(context, "quarkus.otel.exporter.otlp.traces.endpoint");
        // both ways explicit: a value seen while building would otherwise be kept as the runtime default
        Map<String, String> values = on
                ? Map.of("quarkus.otel.sdk.disabled", "false", "understudy-log.trace-ids", LOG_IDS)
                : Map.of("quarkus.otel.sdk.disabled", "true", "understudy-log.trace-ids", "");
        return List.of(new PropertiesConfigSource(values, "understudy tracing switch", ORDINAL));
    }

    /** Set by the user: a non-blank value from a real source, not an extension's built-in default. */
    private static boolean configured(ConfigSourceContext context, String key) {
        ConfigValue value = context.getValue(key);
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > ORDINAL;
    }
}
