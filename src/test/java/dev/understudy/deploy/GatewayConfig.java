package dev.understudy.deploy;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.metrics.Metrics;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads a deployment's {@code application.yaml} the way the gateway does in a Pod: on top of the
 * jar's own application.yaml (a ConfigMap mounted through QUARKUS_CONFIG_LOCATIONS wins key by key
 * but cannot remove keys), with the provider keys from the Secret as environment variables, bound to
 * {@link UnderstudyConfig} (unknown keys refused, durations and sizes converted) and checked by the
 * gateway's own {@link RouteTable}, which refuses a bad configuration exactly as at start-up.
 */
final class GatewayConfig {

    /** Ordinals as Quarkus gives them: the jar's application.yaml, then files from the file system. */
    private static final int JAR_YAML = 255;
    private static final int MOUNTED_YAML = 265;
    private static final int ENVIRONMENT = 300;

    private GatewayConfig() {
    }

    /** Route name → its served targets ({@code provider/model}), in the order the gateway tries them. */
    static Map<String, List<String>> servedRoutes(String applicationYaml, Map<String, String> environment)
            throws IOException {
        UnderstudyConfig understudy = load(applicationYaml, environment);
        Vertx vertx = Vertx.vertx();
        try {
            RouteTable table = new RouteTable(understudy, vertx, new Metrics(new SimpleMeterRegistry()));
            Map<String, List<String>> routes = new TreeMap<>();
            for (Route r : table.routes()) {
                routes.put(r.name(), r.targets().stream().map(Target::id).toList());
            }
            return routes;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** The caller and admin keys (hashes) the gateway reads from this application.yaml. */
    static UnderstudyConfig.Auth auth(String applicationYaml) throws IOException {
        return load(applicationYaml, Map.of()).auth();
    }

    private static UnderstudyConfig load(String applicationYaml, Map<String, String> environment) throws IOException {
        URL jarYaml = GatewayConfig.class.getClassLoader().getResource("application.yaml");
        if (jarYaml == null) {
            throw new AssertionError("the gateway's own application.yaml is not on the test class path");
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new YamlConfigSource(jarYaml, JAR_YAML))
                .withSources(new YamlConfigSource("mounted application.yaml", applicationYaml,
                        MOUNTED_YAML))
                .withSources(new PropertiesConfigSource(environment, "environment (from Secrets)", ENVIRONMENT))
                .withMapping(UnderstudyConfig.class)
                .build();
        return config.getConfigMapping(UnderstudyConfig.class);
    }
}
