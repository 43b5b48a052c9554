package dev.understudy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Vertex AI and Azure OpenAI behind their cloud identities, configured with the keys a user writes: a fake
 * Google (token endpoint checking RS256 assertions) with a service-account key file, a fake Entra ID (checking
 * the federated token or the client secret), fake Vertex and Azure endpoints that refuse a missing or expired
 * token, and OpenAI- and Anthropic-format primaries. Routes:
 * <ul>
 * <li>{@code claude}: Anthropic → Vertex Claude; {@code gpt}: OpenAI → Azure (workload identity);</li>
 * <li>{@code gemini}: Vertex Gemini → OpenAI; {@code gemini-counted}: Vertex Gemini alone (its own token);</li>
 * <li>{@code gemini-expiry}: Vertex Gemini (its own token) → OpenAI;</li>
 * <li>{@code azure-secret}: Azure with a client secret → OpenAI; {@code azure-v1}: Azure v1 API with an api-key
 * → OpenAI; {@code azure-wrong-secret}: Azure with a secret Entra refuses → OpenAI.</li>
 * </ul>
 */
public class CloudProfile implements QuarkusTestProfile {

    public static final String PROJECT = "understudy-test";
    public static final String LOCATION = "us-east5";
    public static final String SERVICE_ACCOUNT = "gateway@understudy-test.iam.gserviceaccount.com";
    /** Seeds the service account's key pair: the same key in the test JVM and in the log scan. */
    public static final String KEY_SEED = "understudy-cloud-test-service-account";
    public static final String TENANT = "7f3c1a52-0000-4000-8000-00000000a2e1";
    public static final String CLIENT_ID = "0c8d5f7e-0000-4000-8000-00000000c11d";
    public static final String CLIENT_SECRET = "azure~Client~Secret~9f8e7d6c5b4a3210";
    public static final String FEDERATED_TOKEN = "eyJhbGciOiJSUzI1NiJ9.aks-projected-sa-token.federated-9a8b7c6d";
    public static final String AZURE_API_KEY = "sk-test-azure-SECRET0123456789";
    public static final String CLAUDE = "claude-sonnet-4-5@20250929";
    public static final String GEMINI = "gemini-2.5-flash";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Fakes.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.test-port", "0", "understudy.cache.similar-lookup", "false"); // see GatewayProfile
    }

    /** A line of the service account's private key (base64 of its PKCS#8 form), to look for in logs. */
    public static String privateKeyFragment() {
        String b64 = java.util.Base64.getEncoder().encodeToString(FakeGoogle.keyPair(KEY_SEED).getPrivate()
                .getEncoded());
        return b64.substring(400, 440);
    }

    /** Starts the fakes once per Quarkus start; tests script them through the static accessors. */
    public static class Fakes implements QuarkusTestResourceLifecycleManager {

        private static FakeGoogle google;
        private static FakeEntra entra;
        private static FakeProvider vertex;
        private static FakeProvider azure;
        private static FakeProvider openai;
        private static FakeProvider anthropic;
        private static Path dir;

        public static FakeGoogle google() {
            return google;
        }

        public static FakeEntra entra() {
            return entra;
        }

        public static FakeProvider vertex() {
            return vertex;
        }

        public static FakeProvider azure() {
            return azure;
        }

        public static FakeProvider openai() {
            return openai;
        }

        public static FakeProvider anthropic() {
            return anthropic;
        }

        /** Clears scripts, recordings, breakers and learned health: call it before each test. */
        public static void resetAll() {
            io.restassured.RestAssured.given().post("/admin/breakers/reset").then().statusCode(200);
            for (FakeProvider p : new FakeProvider[] {vertex, azure, openai, anthropic}) {
                p.reset();
            }
            anthropic.setDefault(Script.anthropicAnswer("Hello from anthropic"));
            google.reset();
            entra.reset();
        }

        @Override
        public Map<String, String> start() {
            google = FakeGoogle.start();
            entra = FakeEntra.start(TENANT, CLIENT_ID, CLIENT_SECRET, FEDERATED_TOKEN);
            vertex = FakeProvider.start("vertex");
            vertex.admit(google.gate(r -> false));
            azure = FakeProvider.start("azure");
            azure.admit(entra.gate(AZURE_API_KEY));
            openai = FakeProvider.start("openai");
            anthropic = FakeProvider.start("anthropic");
            anthropic.setDefault(Script.anthropicAnswer("Hello from anthropic"));
            Path keyFile;
            Path tokenFile;
            try {
                dir = Files.createTempDirectory("understudy-cloud");
                keyFile = google.serviceAccount(SERVICE_ACCOUNT, KEY_SEED).write(dir.resolve("sa.json"),
                        google.tokenUri());
                tokenFile = Files.writeString(dir.resolve("azure-identity-token"), FEDERATED_TOKEN + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> c = new HashMap<>();
            for (String name : List.of("vertex", "vertex-counted", "vertex-expiry")) {
                String p = "understudy.providers." + name + ".";
                c.put(p + "type", "vertex");
                c.put(p + "project", PROJECT);
                c.put(p + "location", LOCATION);
                c.put(p + "credentials-file", keyFile.toString());
                c.put(p + "base-url", vertex.baseUrl());
            }
            azure(c, "azure-wi").put("understudy.providers.azure-wi.federated-token-file", tokenFile.toString());
            azure(c, "azure-secret").put("understudy.providers.azure-secret.client-secret", CLIENT_SECRET);
            azure(c, "azure-bad-secret").put("understudy.providers.azure-bad-secret.client-secret",
                    CLIENT_SECRET.replace('9', '1'));
            c.put("understudy.providers.azure-key.type", "azure-openai");
            c.put("understudy.providers.azure-key.base-url", azure.baseUrl());
            c.put("understudy.providers.azure-key.api-version", "v1");
            c.put("understudy.providers.azure-key.api-key", AZURE_API_KEY);
            c.put("understudy.providers.openai.type", "openai");
            c.put("understudy.providers.openai.base-url", openai.baseUrl() + "/v1");
            c.put("understudy.providers.openai.api-key", "sk-test-openai-SECRET0123456789");
            c.put("understudy.providers.anthropic.type", "anthropic");
            c.put("understudy.providers.anthropic.base-url", anthropic.baseUrl());
            c.put("understudy.providers.anthropic.api-key", "sk-test-anthropic-SECRET0123456789");
            route(c, "claude", "anthropic", "claude-sonnet-4-5", "vertex", CLAUDE);
            route(c, "gpt", "openai", "gpt-4o", "azure-wi", "gpt-4o");
            route(c, "gemini", "vertex", GEMINI, "openai", "gpt-4o");
            route(c, "gemini-counted", "vertex-counted", GEMINI);
            route(c, "gemini-expiry", "vertex-expiry", GEMINI, "openai", "gpt-4o");
            route(c, "azure-secret", "azure-secret", "gpt-4o", "openai", "gpt-4o");
            route(c, "azure-v1", "azure-key", "my-gpt-4o-deployment", "openai", "gpt-4o");
            route(c, "azure-wrong-secret", "azure-bad-secret", "gpt-4o", "openai", "gpt-4o");
            c.put("understudy.defaults.timeout", "2s");
            c.put("understudy.defaults.first-token-timeout", "1s");
            c.put("understudy.defaults.idle-timeout", "1s");
            c.put("understudy.defaults.retries", "1");
            c.put("understudy.defaults.backoff", "20ms");
            c.put("understudy.defaults.max-backoff", "2s");
            c.put("understudy.health-check.interval", "1h"); // probes would make request counts racy here
            return c;
        }

        private static Map<String, String> azure(Map<String, String> c, String name) {
            String p = "understudy.providers." + name + ".";
            c.put(p + "type", "azure-openai");
            c.put(p + "base-url", azure.baseUrl());
            c.put(p + "api-version", "2024-10-21");
            c.put(p + "tenant-id", TENANT);
            c.put(p + "client-id", CLIENT_ID);
            c.put(p + "token-url", entra.tokenUrl());
            return c;
        }

        private static void route(Map<String, String> c, String name, String... providerModel) {
            c.put("understudy.routes." + name + ".deadline", "10s");
            for (int i = 0; i < providerModel.length; i += 2) {
                c.put("understudy.routes." + name + ".targets[" + (i / 2) + "].provider", providerModel[i]);
                c.put("understudy.routes." + name + ".targets[" + (i / 2) + "].model", providerModel[i + 1]);
            }
        }

        @Override
        public void stop() {
            for (AutoCloseable c : new AutoCloseable[] {google, entra, vertex, azure, openai, anthropic}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }
}
