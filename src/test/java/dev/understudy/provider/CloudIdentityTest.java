package dev.understudy.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.cost.PriceTable;
import dev.understudy.provider.azure.AzureOpenAiAdapter;
import dev.understudy.provider.azure.AzureSettings;
import dev.understudy.provider.vertex.VertexAdapter;
import dev.understudy.provider.vertex.VertexSettings;
import dev.understudy.testing.Await;
import dev.understudy.testing.FakeEntra;
import dev.understudy.testing.FakeGoogle;
import dev.understudy.testing.FakeProvider;
import dev.understudy.testing.Script;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Vertex and Azure OpenAI tokens come from — a service-account key, the metadata server, Entra ID — how
 * they are cached and refreshed before expiry (on a clock the test moves), how the adapters probe and how
 * their settings are checked. Real adapters against fake identity and model endpoints; no gateway.
 */
class CloudIdentityTest {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final String EMAIL = "probe@understudy-test.iam.gserviceaccount.com";
    static final String TENANT = "tenant-0001";
    static final String CLIENT = "client-0001";
    static final String SECRET = "entra~unit~SECRET0123456789";
    static final String FEDERATED = "eyJhbGciOiJSUzI1NiJ9.unit-federated-token.sig";

    static Vertx vertx;
    static FakeGoogle google;
    static FakeEntra entra;
    static FakeProvider endpoint;

    @TempDir
    Path dir;
    ManualClock clock;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        google = FakeGoogle.start().serveMetadata();
        google.serviceAccount(EMAIL, "cloud-identity-test");
        entra = FakeEntra.start(TENANT, CLIENT, SECRET, FEDERATED);
        endpoint = FakeProvider.start("cloud");
    }

    @AfterAll
    static void stop() {
        endpoint.close();
        google.close();
        entra.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        clock = new ManualClock();
        google.clock(clock::instant);
        entra.clock(clock::instant);
        google.reset();
        entra.reset();
        endpoint.reset();
        endpoint.admit(google.gate(r -> false));
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

    // ------------------------------------------------------------------ Google

    @Test
    void refreshesTheAccessTokenBeforeItExpiresWithoutMakingRequestsWait() throws Exception {
        VertexAdapter vertex = vertex(Map.of("credentialsFile", keyFile().toString()), Map.of());
        int before = google.tokensIssued();
        vertex.complete("gemini-2.5-flash", ask()).await().atMost(WAIT);
        vertex.complete("gemini-2.5-flash", ask()).await().atMost(WAIT);
        String first = endpoint.lastRequest().header("Authorization");
        assertThat(google.tokensIssued() - before).as("fetched once, then answered from memory").isEqualTo(1);

        clock.advance(Duration.ofMinutes(56)); // inside the 5-minute refresh window, still usable
        vertex.complete("gemini-2.5-flash", ask()).await().atMost(WAIT);
        assertThat(endpoint.lastRequest().header("Authorization")).as("answered at once with the old token")
                .isEqualTo(first);
        assertThat(Await.within(WAIT, Duration.ofMillis(5), () -> google.tokensIssued() - before == 2))
                .as("one refresh in the background").isTrue();

        clock.advance(Duration.ofMinutes(3));
        vertex.complete("gemini-2.5-flash", ask()).await().atMost(WAIT);
        assertThat(endpoint.lastRequest().header("Authorization")).isNotEqualTo(first);
        assertThat(google.tokensIssued() - before).as("no further fetch").isEqualTo(2);
        assertThat(endpoint.refusals()).isEmpty();
    }

    @Test
    void asksTheMetadataServerWithoutAKeyFile() {
        VertexAdapter vertex = vertex(Map.of(), Map.of("GCE_METADATA_HOST", google.metadataHost()));
        endpoint.enqueue(Script.openAiAnswer("via the metadata server"));
        assertThat(vertex.complete("gemini-2.5-flash", ask()).await().atMost(WAIT).content())
                .isEqualTo("via the metadata server");
        assertThat(google.rejections()).as("sent Metadata-Flavor: Google").isEmpty();
    }

    @Test
    void aKeyTheTokenEndpointDoesNotTrustIsAMisconfigurationThatNeverShowsTheKey() throws Exception {
        String keyId = google.serviceAccount(EMAIL, "cloud-identity-test").keyId();
        FakeGoogle.ServiceAccount stranger = new FakeGoogle.ServiceAccount(EMAIL, keyId,
                FakeGoogle.keyPair("a key Google never saw"));
        Path file = stranger.write(dir.resolve("stranger.json"), google.tokenUri());
        VertexAdapter vertex = vertex(Map.of("credentialsFile", file.toString()), Map.of());
        assertThatThrownBy(() -> vertex.complete("gemini-2.5-flash", ask()).await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.MISCONFIGURED);
                    assertThat(e.getMessage()).contains("invalid_grant: Invalid JWT Signature.");
                    String key = java.util.Base64.getEncoder()
                            .encodeToString(stranger.keys().getPrivate().getEncoded());
                    assertThat(e.getMessage()).doesNotContain(key.substring(400, 440));
                });
        assertThat(endpoint.requests()).as("no model request without a token").isEmpty();
    }

    @Test
    void aCredentialsFileThatIsNoServiceAccountKeyIsAMisconfiguration() throws Exception {
        Path file = Files.writeString(dir.resolve("user.json"), "{\"type\":\"authorized_user\"}");
        VertexAdapter vertex = vertex(Map.of("credentialsFile", file.toString()), Map.of());
        assertThatThrownBy(() -> vertex.complete("gemini-2.5-flash", ask()).await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.MISCONFIGURED);
                    assertThat(e.getMessage()).contains("only service_account keys are supported");
                });
    }

    @Test
    void probesVertexWithAFreeCallAndCountsAPermissionRefusalAsHealthy() throws Exception {
        VertexAdapter vertex = vertex(Map.of("credentialsFile", keyFile().toString()), Map.of());
        vertex.probe().await().atMost(WAIT);
        assertThat(endpoint.probeCount()).isEqualTo(1);
        endpoint.setProbeResponse(Script.json(403, "{\"error\":{\"code\":403,\"message\":\"Permission "
                + "'aiplatform.endpoints.list' denied\",\"status\":\"PERMISSION_DENIED\"}}"));
        vertex.probe().await().atMost(WAIT);
        endpoint.setProbeResponse(Script.json(403, "{\"error\":{\"code\":403,\"message\":\"Vertex AI API has not "
                + "been used in project understudy-test\",\"status\":\"PERMISSION_DENIED\",\"details\":[{\"reason\":"
                + "\"SERVICE_DISABLED\"}]}}"));
        assertThatThrownBy(() -> vertex.probe().await().atMost(WAIT)).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.MISCONFIGURED));
    }

    @Test
    void mapsVertexErrorsOntoTheFailureTable() throws Exception {
        VertexAdapter vertex = vertex(Map.of("credentialsFile", keyFile().toString()), Map.of());
        endpoint.enqueue(Script.json(503, "{\"error\":{\"code\":503,\"message\":\"The service is currently "
                + "unavailable.\",\"status\":\"UNAVAILABLE\"}}"));
        assertThatThrownBy(() -> vertex.complete("gemini-2.5-flash", ask()).await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.SERVER);
                    assertThat(e.errorType()).isEqualTo("UNAVAILABLE");
                });
        endpoint.enqueue(Script.json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}"));
        assertThatThrownBy(() -> vertex.complete("claude-sonnet-4-5@20250929", ask()).await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.CONTEXT_LENGTH));
        assertThat(vertex.supportsPrefill("claude-sonnet-4-5@20250929")).isTrue();
        assertThat(vertex.supportsPrefill("gemini-2.5-flash")).isFalse();
    }

    // ------------------------------------------------------------------ Azure / Entra

    @Test
    void exchangesTheFederatedTokenFileAtEntraAndProbesTheModelsList() throws Exception {
        endpoint.admit(entra.gate("no-api-key"));
        Path token = Files.writeString(dir.resolve("azure-identity-token"), FEDERATED + "\n");
        AzureOpenAiAdapter azure = azure(Map.of(), Map.of("AZURE_TENANT_ID", TENANT, "AZURE_CLIENT_ID", CLIENT,
                "AZURE_FEDERATED_TOKEN_FILE", token.toString(), "AZURE_AUTHORITY_HOST", entra.baseUrl()));
        azure.probe().await().atMost(WAIT);
        assertThat(endpoint.probeCount()).isEqualTo(1);
        endpoint.enqueue(Script.openAiAnswer("via workload identity"));
        assertThat(azure.complete("gpt-4o", ask()).await().atMost(WAIT).content()).isEqualTo("via workload identity");
        assertThat(entra.rejections()).isEmpty();
        assertThat(entra.tokensIssued()).isPositive();
    }

    @Test
    void aFederatedTokenEntraDoesNotMatchIsAMisconfiguration() throws Exception {
        Path token = Files.writeString(dir.resolve("stale-token"), "eyJhbGciOiJSUzI1NiJ9.some-other-pod.sig");
        AzureOpenAiAdapter azure = azure(Map.of("tenantId", TENANT, "clientId", CLIENT, "federatedTokenFile",
                token.toString(), "tokenUrl", entra.tokenUrl()), Map.of());
        assertThatThrownBy(() -> azure.complete("gpt-4o", ask()).await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.MISCONFIGURED);
                    assertThat(e.getMessage()).contains("AADSTS70021").doesNotContain("some-other-pod");
                });
    }

    @Test
    void refreshesTheEntraTokenBeforeItExpires() {
        endpoint.admit(entra.gate("no-api-key"));
        AzureOpenAiAdapter azure = azure(Map.of("tenantId", TENANT, "clientId", CLIENT, "clientSecret", SECRET,
                "tokenUrl", entra.tokenUrl()), Map.of());
        int before = entra.tokensIssued();
        azure.complete("gpt-4o", ask()).await().atMost(WAIT);
        String first = endpoint.lastRequest().header("Authorization");
        clock.advance(Duration.ofMinutes(59).plusSeconds(30)); // past the refresh window: this request waits
        azure.complete("gpt-4o", ask()).await().atMost(WAIT);
        assertThat(endpoint.lastRequest().header("Authorization")).isNotEqualTo(first);
        assertThat(entra.tokensIssued() - before).isEqualTo(2);
        assertThat(endpoint.refusals()).isEmpty();
    }

    @Test
    void redactsGoogleTokensJwtsAndPrivateKeysFromMessages() {
        String text = Redactor.redact("token ya29.a0AfH6SMBx-example_token, assertion "
                + "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl, key -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN");
        assertThat(text).doesNotContain("a0AfH6SMBx").doesNotContain("eyJpc3MiOiJ4In0").doesNotContain("MIIEvQ")
                .contains("[REDACTED]");
    }

    // ------------------------------------------------------------------ settings and prices

    @Test
    void checksVertexAndAzureSettingsAtStartUp() {
        assertThat(VertexSettings.problems("v", config("vertex", Map.of()), Map.of())).containsExactly(
                "understudy.providers.v.project is required for type vertex (or set GOOGLE_CLOUD_PROJECT)",
                "understudy.providers.v.location is required for type vertex, e.g. us-central1 or global");
        assertThat(VertexSettings.problems("v", config("vertex", Map.of()), Map.of("GOOGLE_CLOUD_PROJECT", "p",
                "GOOGLE_CLOUD_LOCATION", "europe-west4"))).isEmpty();
        assertThat(VertexSettings.endpoint(config("vertex", Map.of()), "europe-west4"))
                .isEqualTo("https://europe-west4-aiplatform.googleapis.com");
        assertThat(VertexSettings.endpoint(config("vertex", Map.of()), "global"))
                .isEqualTo("https://aiplatform.googleapis.com");
        assertThat(AzureSettings.problems("a", config("azure-openai", Map.of("baseUrl", "https://r.openai.azure.com",
                "apiVersion", "latest")))).containsExactly(
                "understudy.providers.a.api-version: 'latest' is neither v1 nor a dated version like 2024-10-21");
        assertThat(ProviderFactory.missingCloudCredentials("a", config("azure-openai", Map.of()), Map.of()))
                .contains("no Azure credentials");
        assertThat(ProviderFactory.missingCloudCredentials("a", config("azure-openai", Map.of("tenantId", "t",
                "clientId", "c")), Map.of("AZURE_CLIENT_SECRET", "s"))).isNull();
    }

    @Test
    void pricesGeminiAndClaudeOnVertex() {
        assertThat(PriceTable.lookup("gemini-2.5-flash").outputPerMillion()).isEqualTo(2.5);
        assertThat(PriceTable.lookup("gemini-2.5-flash-lite").inputPerMillion()).isEqualTo(0.1);
        assertThat(PriceTable.lookup("google/gemini-2.5-pro").tier()).isEqualTo(3);
        assertThat(PriceTable.lookup("claude-sonnet-4-5@20250929").inputPerMillion()).isEqualTo(3);
        assertThat(PriceTable.lookup("us.anthropic.claude-sonnet-4-5-20250929-v1:0").inputPerMillion()).isEqualTo(3);
        assertThat(PriceTable.lookup("gpt-4.1-mini").inputPerMillion()).isEqualTo(0.4);
    }

    // ------------------------------------------------------------------ helpers

    private Path keyFile() {
        return google.serviceAccount(EMAIL, "cloud-identity-test").write(dir.resolve("sa.json"), google.tokenUri());
    }

    private VertexAdapter vertex(Map<String, String> values, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(values);
        all.put("project", "understudy-test");
        all.put("location", "us-east5");
        all.put("baseUrl", endpoint.baseUrl());
        return VertexAdapter.create(vertx, "vertex", config("vertex", all), env, clock);
    }

    private AzureOpenAiAdapter azure(Map<String, String> values, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(values);
        all.put("baseUrl", endpoint.baseUrl());
        return AzureOpenAiAdapter.create(vertx, "azure", config("azure-openai", all), env, clock);
    }

    static ChatRequest ask() {
        return new ChatRequest("route", List.of(Message.text("user", "hi")), null, null, null, null, 100, null, null,
                null, null, false, false, null);
    }

    /** A provider config whose Optional keys (by method name) come from {@code values}. */
    static UnderstudyConfig.Provider config(String type, Map<String, String> values) {
        return (UnderstudyConfig.Provider) Proxy.newProxyInstance(CloudIdentityTest.class.getClassLoader(),
                new Class<?>[] {UnderstudyConfig.Provider.class}, (proxy, method, args) -> {
                    Class<?> returns = method.getReturnType();
                    return switch (method.getName()) {
                        case "type" -> type;
                        case "apiVersion" -> values.getOrDefault("apiVersion", "2024-10-21");
                        case "headers" -> Map.of();
                        case "maxConnections" -> 4;
                        case "toString" -> "provider" + values;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> returns == Optional.class ? Optional.ofNullable(values.get(method.getName()))
                                : returns == OptionalInt.class ? OptionalInt.empty()
                                : returns == OptionalDouble.class ? OptionalDouble.empty() : null;
                    };
                });
    }
}
