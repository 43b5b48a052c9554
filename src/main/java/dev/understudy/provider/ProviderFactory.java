package dev.understudy.provider;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.anthropic.AnthropicAdapter;
import dev.understudy.provider.http.UpstreamClient;
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
                yield new OpenAiAdapter(new UpstreamClient(vertx, base, p.maxConnections()), headers, p.prefill().orElse(false));
            }
            case "anthropic" -> {
                MultiMap headers = headers(p);
                p.apiKey().ifPresent(k -> headers.set("x-api-key", k));
                if (!headers.contains("anthropic-version")) {
                    headers.set("anthropic-version", ANTHROPIC_VERSION);
                }
                String base = p.baseUrl().orElse("https://api.anthropic.com");
                yield new AnthropicAdapter(new UpstreamClient(vertx, base, p.maxConnections()), headers);
            }
            case "mock" -> new MockAdapter(name, p.latency().orElse(Duration.ofMillis(50)),
                    p.failureRate().orElse(0), p.failureStatus().orElse(503), p.answer().orElse(null));
            default -> throw new IllegalArgumentException("unknown provider type " + p.type());
        };
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
