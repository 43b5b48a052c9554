package dev.understudy.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.auth.BearerHeaders;
import dev.understudy.provider.auth.OAuthTokens;
import dev.understudy.provider.http.HttpErrors;
import dev.understudy.provider.http.UpstreamClient;
import dev.understudy.provider.openai.FilteredAnswers;
import dev.understudy.provider.openai.OpenAiFormat;
import dev.understudy.provider.openai.OpenAiRequestWriter;
import io.smallrye.mutiny.Uni;
import dev.understudy.provider.openai.OpenAiWireAdapter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Azure OpenAI: the OpenAI Chat Completions format at a deployment. A target's model is the deployment name:
 * {@code /openai/deployments/{model}/chat/completions?api-version=…} for a dated API version, or
 * {@code /openai/v1/chat/completions} (the deployment as the body's model) for {@code api-version: v1}.
 * Authenticated by the {@code api-key} header or an Entra ID bearer token. A 200 answer that Azure's content
 * filter stopped becomes a refusal naming the filtered categories; a 400 {@code content_filter} is a
 * content-policy refusal — both go back to the caller.
 */
public final class AzureOpenAiAdapter extends OpenAiWireAdapter {

    private static final Logger LOG = Logger.getLogger(AzureOpenAiAdapter.class);

    private final String apiVersion;
    private final BearerHeaders bearer; // null with an api-key
    private final Map<String, String> paths = new ConcurrentHashMap<>();

    AzureOpenAiAdapter(UpstreamClient upstream, MultiMap fixed, String apiVersion, BearerHeaders bearer) {
        super(upstream, fixed, () -> {
            throw new UnsupportedOperationException("probed by AzureOpenAiAdapter");
        });
        this.apiVersion = apiVersion;
        this.bearer = bearer;
    }

    /** The adapter of one configured {@code type: azure-openai} provider (checked before by RouteTable). */
    public static AzureOpenAiAdapter create(Vertx vertx, String name, UnderstudyConfig.Provider p,
            Map<String, String> env) {
        return create(vertx, name, p, env, Clock.systemUTC());
    }

    /** @param clock when tokens expire and refreshes are due (a test moves it by hand) */
    public static AzureOpenAiAdapter create(Vertx vertx, String name, UnderstudyConfig.Provider p,
            Map<String, String> env, Clock clock) {
        String base = p.baseUrl().orElseThrow();
        MultiMap fixed = MultiMap.caseInsensitiveMultiMap()
                .set("Content-Type", "application/json")
                .set("Accept", "application/json, text/event-stream");
        p.headers().forEach(fixed::set);
        BearerHeaders bearer = null;
        var key = AzureSettings.apiKey(p);
        if (key.isPresent()) {
            fixed.set("api-key", key.get());
        } else {
            OAuthTokens tokens = AzureSettings.entra(p, env, vertx, clock);
            if (tokens == null) {
                throw new IllegalStateException("understudy.providers." + name + ": no Azure credentials");
            }
            bearer = new BearerHeaders(tokens, fixed);
        }
        LOG.infof("provider %s: Azure OpenAI %s, api-version %s, credentials from %s", name, base, p.apiVersion(),
                bearer == null ? "api-key" : bearer.describe());
        return new AzureOpenAiAdapter(new UpstreamClient(vertx, base, p.maxConnections()), fixed, p.apiVersion(),
                bearer);
    }

    private boolean v1() {
        return "v1".equals(apiVersion);
    }

    @Override
    protected String streamPath() {
        return "/openai/v1/chat/completions";
    }

    @Override
    protected String path(String model, boolean stream) {
        if (v1()) {
            return streamPath();
        }
        return paths.computeIfAbsent(model, m -> "/openai/deployments/" + URLEncoder.encode(m, StandardCharsets.UTF_8)
                + "/chat/completions?api-version=" + apiVersion);
    }

    @Override
    protected Uni<MultiMap> currentHeaders() {
        return bearer == null ? null : bearer.get();
    }

    @Override
    protected ProviderException classify(int status, Function<String, String> header, String body) {
        ProviderException e = HttpErrors.classify(status, header, body);
        return bearer == null ? e : bearer.refused(e);
    }

    @Override
    protected ObjectNode toProviderRequest(ChatRequest request, String model, boolean stream) {
        return OpenAiFormat.toProviderRequest(request, model, stream);
    }

    @Override
    protected byte[] providerRequest(ChatRequest request, String model, boolean stream) {
        return OpenAiRequestWriter.bytes(request, model, stream, false);
    }

    @Override
    protected ChatResponse fromProviderResponse(JsonNode body) {
        return FilteredAnswers.asRefusal(OpenAiFormat.parseResponse(body),
                filterReason(body.path("choices").path(0).path("content_filter_results")));
    }

    /** "…content filter withheld the answer (violence: high)" from a choice's content_filter_results. */
    static String filterReason(JsonNode results) {
        List<String> filtered = new ArrayList<>();
        results.fields().forEachRemaining(e -> {
            if (e.getValue().path("filtered").asBoolean(false)) {
                String severity = e.getValue().path("severity").asText("");
                filtered.add(severity.isEmpty() ? e.getKey() : e.getKey() + ": " + severity);
            }
        });
        return "Azure OpenAI's content filter withheld the answer"
                + (filtered.isEmpty() ? "." : " (" + String.join(", ", filtered) + ").");
    }

    @Override
    public boolean supportsPrefill() {
        return false;
    }

    /** {@code GET /openai/models} (or {@code /openai/v1/models}): authenticated, free, no tokens. */
    @Override
    public Uni<Void> probe() {
        String uri = upstream().basePath() + (v1() ? "/openai/v1/models" : "/openai/models?api-version=" + apiVersion);
        Uni<MultiMap> headers = bearer == null ? Uni.createFrom().item(fixedHeaders()) : bearer.get();
        return headers.flatMap(h -> upstream().send(HttpMethod.GET, uri, h, null)).map(reply -> {
            if (reply.status() != 200) {
                throw classify(reply.status(), reply.header(), reply.body());
            }
            return null;
        });
    }
}
