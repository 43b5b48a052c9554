package dev.understudy.provider.bedrock;

import dev.understudy.config.UnderstudyConfig;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code type: bedrock} provider's region, endpoint and credentials, resolved from its configuration and
 * the standard AWS environment variables, in this order:
 * <ol>
 * <li>{@code access-key-id} + {@code secret-access-key} (+ {@code session-token}) in the provider's config;</li>
 * <li>{@code web-identity-token-file} + {@code role-arn} in the provider's config;</li>
 * <li>{@code AWS_ACCESS_KEY_ID} + {@code AWS_SECRET_ACCESS_KEY} (+ {@code AWS_SESSION_TOKEN});</li>
 * <li>{@code AWS_WEB_IDENTITY_TOKEN_FILE} + {@code AWS_ROLE_ARN} (EKS IRSA), STS at
 * {@code AWS_ENDPOINT_URL_STS} or {@code https://sts.<region>.amazonaws.com};</li>
 * <li>{@code AWS_CONTAINER_CREDENTIALS_FULL_URI} (EKS Pod Identity) or {@code _RELATIVE_URI} (ECS).</li>
 * </ol>
 */
public final class BedrockSettings {

    private BedrockSettings() {
    }

    /** The configured region, else AWS_REGION, else AWS_DEFAULT_REGION; empty when none is set. */
    public static Optional<String> region(UnderstudyConfig.Provider p, Map<String, String> env) {
        return p.region().filter(r -> !r.isBlank())
                .or(() -> env("AWS_REGION", env))
                .or(() -> env("AWS_DEFAULT_REGION", env));
    }

    /** The runtime endpoint: {@code base-url}, else {@code https://bedrock-runtime.<region>.amazonaws.com}. */
    public static String endpoint(UnderstudyConfig.Provider p, String region) {
        return p.baseUrl().filter(u -> !u.isBlank()).orElse("https://bedrock-runtime." + region + ".amazonaws.com");
    }

    /** Configuration problems that must stop the start (a half-given key pair, no region). */
    public static List<String> problems(String name, UnderstudyConfig.Provider p, Map<String, String> env) {
        String where = "understudy.providers." + name;
        List<String> problems = new ArrayList<>();
        if (region(p, env).isEmpty()) {
            problems.add(where + ".region is required for type bedrock (or set AWS_REGION)");
        }
        if (p.accessKeyId().isPresent() != p.secretAccessKey().isPresent()) {
            problems.add(where + ": access-key-id and secret-access-key go together");
        }
        if (p.webIdentityTokenFile().isPresent() != p.roleArn().isPresent()) {
            problems.add(where + ": web-identity-token-file and role-arn go together");
        }
        return problems;
    }

    /** Whether any credential source is configured (without one the provider is switched off). */
    public static boolean hasCredentials(UnderstudyConfig.Provider p, Map<String, String> env) {
        return source(p, env, null, Clock.systemUTC(), "us-east-1") != null;
    }

    /**
     * The credential source, or null when none is configured. With {@code vertx} null nothing is built
     * beyond the check (start-up validation).
     */
    static CredentialSource source(UnderstudyConfig.Provider p, Map<String, String> env, Vertx vertx, Clock clock,
            String region) {
        Optional<String> id = p.accessKeyId().filter(s -> !s.isBlank());
        Optional<String> secret = p.secretAccessKey().filter(s -> !s.isBlank());
        if (id.isPresent() && secret.isPresent()) {
            return CredentialSource.fixed(new AwsCredentials(id.get(), secret.get(),
                    p.sessionToken().orElse(null), null), "provider config");
        }
        Optional<String> tokenFile = p.webIdentityTokenFile().filter(s -> !s.isBlank());
        Optional<String> role = p.roleArn().filter(s -> !s.isBlank());
        if (tokenFile.isPresent() && role.isPresent()) {
            return webIdentity(env, vertx, clock, region, tokenFile.get(), role.get());
        }
        Optional<String> envId = env("AWS_ACCESS_KEY_ID", env);
        Optional<String> envSecret = env("AWS_SECRET_ACCESS_KEY", env);
        if (envId.isPresent() && envSecret.isPresent()) {
            return CredentialSource.fixed(new AwsCredentials(envId.get(), envSecret.get(),
                    env("AWS_SESSION_TOKEN", env).orElse(null), null), "environment");
        }
        Optional<String> envTokenFile = env("AWS_WEB_IDENTITY_TOKEN_FILE", env);
        Optional<String> envRole = env("AWS_ROLE_ARN", env);
        if (envTokenFile.isPresent() && envRole.isPresent()) {
            return webIdentity(env, vertx, clock, region, envTokenFile.get(), envRole.get());
        }
        Optional<String> uri = env("AWS_CONTAINER_CREDENTIALS_FULL_URI", env)
                .or(() -> env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", env).map(r -> "http://169.254.170.2" + r));
        if (uri.isPresent()) {
            return new ContainerCredentials(vertx, clock, uri.get(),
                    env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", env).orElse(null),
                    env("AWS_CONTAINER_AUTHORIZATION_TOKEN", env).orElse(null));
        }
        return null;
    }

    private static CredentialSource webIdentity(Map<String, String> env, Vertx vertx, Clock clock, String region,
            String tokenFile, String role) {
        String sts = env("AWS_ENDPOINT_URL_STS", env).orElse("https://sts." + region + ".amazonaws.com");
        String session = env("AWS_ROLE_SESSION_NAME", env).orElse("understudy-" + ProcessHandle.current().pid());
        return new WebIdentityCredentials(vertx, clock, sts, role, tokenFile, session);
    }

    private static Optional<String> env(String name, Map<String, String> env) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }
}
