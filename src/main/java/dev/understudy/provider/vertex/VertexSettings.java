package dev.understudy.provider.vertex;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.auth.OAuthTokens;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code type: vertex} provider's project, location, endpoint and credentials, from its configuration and
 * the standard Google environment variables. Credentials: {@code credentials-file} (else
 * {@code GOOGLE_APPLICATION_CREDENTIALS}), a service-account key; else the metadata server (GKE workload
 * identity, GCE, Cloud Run) at {@code GCE_METADATA_HOST} or 169.254.169.254.
 */
public final class VertexSettings {

    private VertexSettings() {
    }

    public static Optional<String> project(UnderstudyConfig.Provider p, Map<String, String> env) {
        return p.project().filter(s -> !s.isBlank()).or(() -> env("GOOGLE_CLOUD_PROJECT", env));
    }

    public static Optional<String> location(UnderstudyConfig.Provider p, Map<String, String> env) {
        return p.location().filter(s -> !s.isBlank()).or(() -> env("GOOGLE_CLOUD_LOCATION", env));
    }

    /** {@code base-url}, else {@code https://{location}-aiplatform.googleapis.com} (the global one for global). */
    public static String endpoint(UnderstudyConfig.Provider p, String location) {
        return p.baseUrl().filter(u -> !u.isBlank()).orElse("global".equals(location)
                ? "https://aiplatform.googleapis.com" : "https://" + location + "-aiplatform.googleapis.com");
    }

    /** Configuration problems that must stop the start. */
    public static List<String> problems(String name, UnderstudyConfig.Provider p, Map<String, String> env) {
        String where = "understudy.providers." + name;
        List<String> problems = new ArrayList<>();
        if (project(p, env).isEmpty()) {
            problems.add(where + ".project is required for type vertex (or set GOOGLE_CLOUD_PROJECT)");
        }
        if (location(p, env).isEmpty()) {
            problems.add(where + ".location is required for type vertex, e.g. us-central1 or global");
        }
        return problems;
    }

    /** Where access tokens come from: the key file when one is named, else the metadata server. */
    static OAuthTokens tokens(UnderstudyConfig.Provider p, Map<String, String> env, Vertx vertx, Clock clock) {
        Optional<String> file = p.credentialsFile().filter(s -> !s.isBlank())
                .or(() -> env("GOOGLE_APPLICATION_CREDENTIALS", env));
        if (file.isPresent()) {
            return new ServiceAccountTokens(vertx, clock, file.get());
        }
        return new MetadataServerTokens(vertx, clock, env("GCE_METADATA_HOST", env)
                .orElse(MetadataServerTokens.DEFAULT_HOST));
    }

    private static Optional<String> env(String name, Map<String, String> env) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }
}
