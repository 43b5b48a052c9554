package dev.understudy.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.testing.FakeBedrock;
import dev.understudy.testing.FakeBedrock.Reply;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Bedrock credentials come from: provider keys, the AWS environment, a web-identity token exchanged at
 * (a fake) STS, the EKS Pod Identity agent — and that temporary credentials are refreshed before they expire.
 */
class CredentialsTest {

    static final String REGION = "us-east-1";
    static final String ROLE = "arn:aws:iam::123456789012:role/understudy-bedrock";
    static final String JWT = "eyJhbGciOiJSUzI1NiJ9.fake-service-account-token.sig";
    static final Duration WAIT = Duration.ofSeconds(5);

    static Vertx vertx;
    static FakeBedrock fake;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        fake = FakeBedrock.start(REGION);
    }

    @AfterAll
    static void stop() {
        fake.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private BedrockAdapter adapter(CredentialSource source) {
        BedrockClient client = new BedrockClient(vertx, fake.baseUrl(), 4);
        return new BedrockAdapter(client, new RequestSigner(REGION, client.scheme, client.host, client.port, null),
                source, io.vertx.core.MultiMap.caseInsensitiveMultiMap(), true);
    }

    private Path tokenFile(String token) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, token + "\n");
        return file;
    }

    @Test
    void exchangesTheWebIdentityTokenAtStsAndSignsWithTheTemporaryCredentials() throws Exception {
        fake.acceptWebIdentity(ROLE, JWT);
        WebIdentityCredentials source = new WebIdentityCredentials(vertx, Clock.systemUTC(), fake.baseUrl(), ROLE,
                tokenFile(JWT).toString(), "understudy-test");
        int before = fake.credentialsIssued();
        fake.enqueue(Reply.text("signed with temporary credentials"));
        BedrockAdapter adapter = adapter(source);
        assertThat(adapter.complete("m", BedrockAdapterTest.ask("hi")).await().atMost(WAIT).content())
                .isEqualTo("signed with temporary credentials");
        adapter.complete("m", BedrockAdapterTest.ask("again")).await().atMost(WAIT);
        assertThat(fake.credentialsIssued() - before).as("fetched once, then answered from memory").isEqualTo(1);
        assertThat(fake.lastRequest().header("X-Amz-Security-Token")).startsWith("FakeSessionToken");
        assertThat(fake.rejections()).isEmpty();
    }

    @Test
    void refreshesTemporaryCredentialsBeforeTheyExpireWithoutMakingRequestsWait() throws Exception {
        ManualClock clock = new ManualClock();
        fake.issueClock(clock::instant);
        fake.acceptWebIdentity(ROLE, JWT);
        WebIdentityCredentials source = new WebIdentityCredentials(vertx, clock, fake.baseUrl(), ROLE,
                tokenFile(JWT).toString(), "understudy-test");
        int before = fake.credentialsIssued();
        AwsCredentials first = source.get().await().atMost(WAIT);
        assertThat(source.get().await().atMost(WAIT)).isSameAs(first);

        clock.advance(Duration.ofMinutes(56)); // inside the 5-minute refresh window, still usable
        assertThat(source.get().await().atMost(WAIT)).as("answered at once with the old ones").isSameAs(first);

        clock.advance(Duration.ofMinutes(3)); // a minute from expiry: now a request gets the fresh ones
        AwsCredentials second = source.get().await().atMost(WAIT);
        assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
        assertThat(second.expiration()).isAfter(first.expiration());
        assertThat(fake.credentialsIssued() - before).as("one background refresh, no second fetch").isEqualTo(2);
        fake.issueClock(Instant::now);
    }

    @Test
    void aTokenThatStsRefusesIsAMisconfiguration() throws Exception {
        fake.acceptWebIdentity(ROLE, JWT);
        WebIdentityCredentials source = new WebIdentityCredentials(vertx, Clock.systemUTC(), fake.baseUrl(), ROLE,
                tokenFile("not-the-token").toString(), "understudy-test");
        assertThatThrownBy(() -> source.get().await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.MISCONFIGURED);
                    assertThat(e.getMessage()).contains("InvalidIdentityToken");
                });
    }

    @Test
    void aMissingTokenFileIsAMisconfiguration() {
        WebIdentityCredentials source = new WebIdentityCredentials(vertx, Clock.systemUTC(), fake.baseUrl(), ROLE,
                dir.resolve("absent").toString(), "understudy-test");
        assertThatThrownBy(() -> source.get().await().atMost(WAIT)).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.MISCONFIGURED));
    }

    @Test
    void getsCredentialsFromThePodIdentityAgentWithItsAuthorizationToken() throws Exception {
        fake.acceptContainerToken("pod-identity-token");
        ContainerCredentials source = new ContainerCredentials(vertx, Clock.systemUTC(),
                fake.baseUrl() + "/v1/credentials", tokenFile("pod-identity-token").toString(), null);
        fake.enqueue(Reply.text("via pod identity"));
        assertThat(adapter(source).complete("m", BedrockAdapterTest.ask("hi")).await().atMost(WAIT).content())
                .isEqualTo("via pod identity");
        assertThat(fake.rejections()).isEmpty();
    }

    // -------------------------------------------------------------- settings

    @Test
    void prefersProviderKeysThenProviderWebIdentityThenTheEnvironment() {
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY", "s",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token", "AWS_ROLE_ARN", ROLE, "AWS_REGION", "eu-west-1");
        assertThat(describe(provider(Map.of("accessKeyId", "AKIACONFIG0000000001", "secretAccessKey", "x")), env))
                .startsWith("provider config");
        assertThat(describe(provider(Map.of("webIdentityTokenFile", "/t", "roleArn", ROLE)), env))
                .startsWith("web identity").contains("/t");
        assertThat(describe(provider(Map.of()), env)).startsWith("environment");
        assertThat(describe(provider(Map.of()), Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token",
                "AWS_ROLE_ARN", ROLE))).startsWith("web identity").contains("https://sts.us-east-1.amazonaws.com");
        assertThat(describe(provider(Map.of()), Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://169.254.170.23/v1/credentials"))).startsWith("container credentials");
        assertThat(BedrockSettings.hasCredentials(provider(Map.of()), Map.of())).isFalse();
    }

    @Test
    void neverDescribesASecretOrAToken() {
        String d = describe(provider(Map.of("accessKeyId", "AKIACONFIG0000000001", "secretAccessKey", "TOPSECRET",
                "sessionToken", "SESSIONTOKEN")), Map.of());
        assertThat(d).doesNotContain("TOPSECRET").doesNotContain("SESSIONTOKEN").doesNotContain("AKIACONFIG0000000001");
    }

    @Test
    void takesTheRegionFromTheConfigThenTheEnvironmentAndNamesTheEndpointAfterIt() {
        UnderstudyConfig.Provider none = provider(Map.of());
        assertThat(BedrockSettings.region(provider(Map.of("region", "ap-south-1")), Map.of("AWS_REGION", "x")))
                .contains("ap-south-1");
        assertThat(BedrockSettings.region(none, Map.of("AWS_DEFAULT_REGION", "sa-east-1"))).contains("sa-east-1");
        assertThat(BedrockSettings.endpoint(none, "eu-west-3"))
                .isEqualTo("https://bedrock-runtime.eu-west-3.amazonaws.com");
        assertThat(BedrockSettings.problems("b", none, Map.of()))
                .containsExactly("understudy.providers.b.region is required for type bedrock (or set AWS_REGION)");
        assertThat(BedrockSettings.problems("b", provider(Map.of("region", "us-east-1", "accessKeyId", "AKIA")),
                Map.of())).containsExactly("understudy.providers.b: access-key-id and secret-access-key go together");
    }

    private static String describe(UnderstudyConfig.Provider p, Map<String, String> env) {
        return BedrockSettings.source(p, env, vertx, Clock.systemUTC(), "us-east-1").describe();
    }

    /** A provider config whose Optional keys (by method name) come from {@code values}. */
    static UnderstudyConfig.Provider provider(Map<String, String> values) {
        return (UnderstudyConfig.Provider) Proxy.newProxyInstance(CredentialsTest.class.getClassLoader(),
                new Class<?>[] {UnderstudyConfig.Provider.class}, (proxy, method, args) -> {
                    Class<?> type = method.getReturnType();
                    return switch (method.getName()) {
                        case "type" -> "bedrock";
                        case "headers" -> Map.of();
                        case "maxConnections" -> 4;
                        case "toString" -> "provider" + values;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> type == Optional.class ? Optional.ofNullable(values.get(method.getName()))
                                : type == OptionalInt.class ? OptionalInt.empty()
                                : type == OptionalDouble.class ? OptionalDouble.empty() : null;
                    };
                });
    }
}
