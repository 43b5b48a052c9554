package dev.understudy.provider.azure;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.auth.OAuthTokens;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code type: azure-openai} provider's credentials: {@code api-key} (sent as the {@code api-key} header),
 * else a Microsoft Entra ID application — {@code tenant-id} and {@code client-id} (else {@code AZURE_TENANT_ID},
 * {@code AZURE_CLIENT_ID}) proven by {@code client-secret}, or by {@code federated-token-file} (else
 * {@code AZURE_FEDERATED_TOKEN_FILE}: AKS workload identity), or by {@code AZURE_CLIENT_SECRET}, in that order.
 */
public final class AzureSettings {

    static final String AUTHORITY = "https://login.microsoftonline.com/";
    private static final Pattern API_VERSION = Pattern.compile("v1|\\d{4}-\\d{2}-\\d{2}(-preview)?");

    private AzureSettings() {
    }

    /** Configuration problems that must stop the start. */
    public static List<String> problems(String name, UnderstudyConfig.Provider p) {
        String where = "understudy.providers." + name;
        List<String> problems = new ArrayList<>();
        if (p.baseUrl().filter(u -> !u.isBlank()).isEmpty()) {
            problems.add(where + ".base-url is required for type azure-openai, e.g. "
                    + "https://my-resource.openai.azure.com");
        }
        if (!API_VERSION.matcher(p.apiVersion()).matches()) {
            problems.add(where + ".api-version: '" + p.apiVersion()
                    + "' is neither v1 nor a dated version like 2024-10-21");
        }
        if (p.clientSecret().isPresent() && p.federatedTokenFile().isPresent()) {
            problems.add(where + ": client-secret and federated-token-file exclude each other");
        }
        return problems;
    }

    /** Whether an api-key or a complete Entra ID application is configured (without one the provider is off). */
    public static boolean hasCredentials(UnderstudyConfig.Provider p, Map<String, String> env) {
        return apiKey(p).isPresent() || entra(p, env, null, Clock.systemUTC()) != null;
    }

    static Optional<String> apiKey(UnderstudyConfig.Provider p) {
        return p.apiKey().filter(k -> !k.isBlank());
    }

    /** The Entra token source, or null when no complete application is configured (or an api-key is). */
    static OAuthTokens entra(UnderstudyConfig.Provider p, Map<String, String> env, Vertx vertx, Clock clock) {
        if (apiKey(p).isPresent()) {
            return null;
        }
        Optional<String> tenant = p.tenantId().filter(s -> !s.isBlank()).or(() -> env("AZURE_TENANT_ID", env));
        Optional<String> client = p.clientId().filter(s -> !s.isBlank()).or(() -> env("AZURE_CLIENT_ID", env));
        if (tenant.isEmpty() || client.isEmpty()) {
            return null;
        }
        String tokenUrl = p.tokenUrl().filter(s -> !s.isBlank()).orElseGet(() -> {
            String authority = env("AZURE_AUTHORITY_HOST", env).orElse(AUTHORITY);
            return (authority.endsWith("/") ? authority : authority + "/") + tenant.get() + "/oauth2/v2.0/token";
        });
        Optional<String> secret = p.clientSecret().filter(s -> !s.isBlank());
        Optional<String> file = p.federatedTokenFile().filter(s -> !s.isBlank())
                .or(() -> env("AZURE_FEDERATED_TOKEN_FILE", env));
        if (secret.isEmpty() && file.isEmpty()) {
            secret = env("AZURE_CLIENT_SECRET", env);
        }
        if (secret.isPresent()) {
            return new EntraTokens(vertx, clock, tokenUrl, client.get(), secret.get(), null);
        }
        return file.map(f -> new EntraTokens(vertx, clock, tokenUrl, client.get(), null, f)).orElse(null);
    }

    private static Optional<String> env(String name, Map<String, String> env) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }
}
