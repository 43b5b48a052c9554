package dev.understudy.provider;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.anthropic.AnthropicAdapter;
import dev.understudy.provider.azure.AzureOpenAiAdapter;
import dev.understudy.provider.azure.AzureSettings;
import dev.understudy.provider.vertex.VertexAdapter;
import dev.understudy.provider.vertex.VertexSettings;
import dev.understudy.provider.http.ModelsApi;
import dev.understudy.provider.http.UpstreamClient;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import dev.understudy.provider.mock.MockAdapter;
import dev.understudy.provider.openai.OpenAiAdapter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;

/** Builds one adapter per configured provider endpoint, each with its own pooled {@link UpstreamClient}. */
public final class ProviderFactory {

    public static final String ANTHROPIC_VERSION = "2023-06-01";

    private final Vertx vertx;

    public ProviderFactory(Vertx vertx) {
        this.vertx = vertx;
    }

    public ProviderAdapter create(String name, UnderstudyConfig.Provider p) {
        return switch (p.type()) {
            case "openai" -> {
                MultiMap headers = headers(p);
                p.apiKey().ifPresent(k -> headers.set("Authorization", "Bearer " + k));
                String base = p.baseUrl().orElseThrow();
                yield new OpenAiAdapter(new UpstreamClient(vertx, base, p.maxConnections()), headers,
                        () -> modelsApi(base, headers), p.prefill().orElse(false));
            }
            case "anthropic" -> {
                MultiMap headers = headers(p);
                p.apiKey().ifPresent(k -> headers.set("x-api-key", k));
                if (!headers.contains("anthropic-version")) {
                    headers.set("anthropic-version", ANTHROPIC_VERSION);
                }
                String base = p.baseUrl().orElse("https://api.anthropic.com");
                yield new AnthropicAdapter(new UpstreamClient(vertx, base, p.maxConnections()), headers,
                        () -> modelsApi(stripSlash(base) + "/v1", headers));
            }
            case "bedrock" -> dev.understudy.provider.bedrock.BedrockAdapter.create(vertx, name, p, System.getenv());
            case "vertex" -> VertexAdapter.create(vertx, name, p, System.getenv());
            case "azure-openai" -> AzureOpenAiAdapter.create(vertx, name, p, System.getenv());
            case "mock" -> new MockAdapter(name, p.latency().orElse(Duration.ofMillis(50)),
                    p.failureRate().orElse(0), p.failureStatus().orElse(503), p.answer().orElse(null));
            default -> throw new IllegalArgumentException("unknown provider type " + p.type());
        };
    }

    /** Configuration problems of a {@code vertex} or {@code azure-openai} provider that must stop the start. */
    public static java.util.List<String> cloudProblems(String name, UnderstudyConfig.Provider p,
            Map<String, String> env) {
        return "vertex".equals(p.type()) ? VertexSettings.problems(name, p, env) : AzureSettings.problems(name, p);
    }

    /**
     * Why a {@code vertex} or {@code azure-openai} provider has no credentials, or null when it has some. Vertex
     * always has a source: without a key file it asks the metadata server.
     */
    public static String missingCloudCredentials(String name, UnderstudyConfig.Provider p, Map<String, String> env) {
        if ("vertex".equals(p.type()) || AzureSettings.hasCredentials(p, env)) {
            return null;
        }
        return "no Azure credentials (understudy.providers." + name + ".api-key, or tenant-id + client-id with "
                + "client-secret or federated-token-file, or AZURE_TENANT_ID + AZURE_CLIENT_ID + "
                + "AZURE_FEDERATED_TOKEN_FILE)";
    }

    /** The typed REST client for probes, sending the provider's credentials and extra headers. */
    private static ModelsApi modelsApi(String base, MultiMap headers) {
        ClientRequestFilter credentials = ctx -> headers.forEach(h -> {
            if (!"content-type".equalsIgnoreCase(h.getKey())) {
                ctx.getHeaders().putSingle(h.getKey(), h.getValue());
            }
        });
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(stripSlash(base)))
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(10, TimeUnit.SECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .register(credentials)
                .build(ModelsApi.class);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static MultiMap headers(UnderstudyConfig.Provider p) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers.set("Content-Type", "application/json");
        headers.set("Accept", "application/json, text/event-stream");
        for (Map.Entry<String, String> h : p.headers().entrySet()) {
            headers.set(h.getKey(), h.getValue());
        }
        return headers;
    }
}
