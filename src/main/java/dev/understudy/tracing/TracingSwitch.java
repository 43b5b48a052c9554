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
 *
 * <p>Spans go out over OTLP http/protobuf only: the gRPC exporter's libraries are not in the build (pom.xml), so
 * this source also makes {@code http/protobuf} the default protocol (Quarkus' own is {@code grpc}) and, with
 * tracing on, refuses any other configured protocol with a message that says what to set, instead of a
 * {@code NoClassDefFoundError} from the exporter.
 */
public class TracingSwitch implements ConfigSourceFactory {

    static final int ORDINAL = 50;
    static final String LOG_IDS = "traceId=%X{traceId} spanId=%X{spanId} ";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean on = configured(context, "quarkus.otel.exporter.otlp.endpoint")
                || configured(context, "quarkus.otel.exporter.otlp.traces.endpoint");
        if (on) {
            refuseOtherProtocols(context);
        }
        // both ways explicit: a value seen while building would otherwise be kept as the runtime default
        Map<String, String> values = on
                ? Map.of("quarkus.otel.sdk.disabled", "false", "understudy-log.trace-ids", LOG_IDS,
                        PROTOCOL, HTTP_PROTOBUF)
                : Map.of("quarkus.otel.sdk.disabled", "true", "understudy-log.trace-ids", "",
                        PROTOCOL, HTTP_PROTOBUF);
        return List.of(new PropertiesConfigSource(values, "understudy tracing switch", ORDINAL));
    }

    static final String PROTOCOL = "quarkus.otel.exporter.otlp.protocol";
    static final String TRACES_PROTOCOL = "quarkus.otel.exporter.otlp.traces.protocol";
    static final String HTTP_PROTOBUF = "http/protobuf";

    /** The traces key wins over the general one, as in Quarkus (which also reads the first through to the second). */
    private static void refuseOtherProtocols(ConfigSourceContext context) {
        ConfigValue general = configured(context, PROTOCOL) ? context.getValue(PROTOCOL) : null;
        ConfigValue traces = configured(context, TRACES_PROTOCOL) ? context.getValue(TRACES_PROTOCOL) : null;
        boolean ownTraces = traces != null && (general == null
                || !traces.getValue().equals(general.getValue())
                || !traces.getConfigSourceName().equals(general.getConfigSourceName()));
        String key = ownTraces ? TRACES_PROTOCOL : PROTOCOL;
        ConfigValue value = ownTraces ? traces : general;
        if (value == null) {
            return;
        }
        String protocol = value.getValue().strip();
        if (!protocol.equals(HTTP_PROTOBUF)) {
            throw new IllegalArgumentException(key + "=" + protocol + " is not supported: Understudy exports traces"
                    + " over OTLP http/protobuf only (a collector's OTLP/HTTP port, usually 4318). Set " + key
                    + "=http/protobuf or remove it, and point quarkus.otel.exporter.otlp.endpoint at that port.");
        }
    }

    /** Set by the user: a non-blank value from a real source, not an extension's built-in default. */
    private static boolean configured(ConfigSourceContext context, String key) {
        ConfigValue value = context.getValue(key);
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > ORDINAL;
    }
}
