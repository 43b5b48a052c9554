package dev.understudy.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.anthropic.AnthropicFormat;
import dev.understudy.provider.auth.BearerHeaders;
import dev.understudy.provider.http.HttpProviderAdapter;
import dev.understudy.provider.http.UpstreamClient;
import dev.understudy.provider.json.Json;
import dev.understudy.provider.openai.FilteredAnswers;
import dev.understudy.provider.openai.OpenAiFormat;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import dev.understudy.provider.anthropic.AnthropicWireAdapter;
import dev.understudy.provider.openai.OpenAiWireAdapter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Google Vertex AI. Two wire formats behind one endpoint, chosen by the target's model:
 * <ul>
 * <li>{@code claude-…}: Anthropic Messages through {@code publishers/anthropic/models/{model}:rawPredict} and
 * {@code :streamRawPredict}, with {@code anthropic_version: vertex-2023-10-16} and no {@code model} field;
 * continues a final assistant turn (prefill);</li>
 * <li>everything else ({@code gemini-…}, or a {@code publisher/model} id): the OpenAI-compatible
 * {@code endpoints/openapi/chat/completions}, model {@code google/<model>}; a cut answer is regenerated.</li>
 * </ul>
 * Every request carries a bearer token from a service-account key or the metadata server.
 */
public final class VertexAdapter implements ProviderAdapter {

    private static final Logger LOG = Logger.getLogger(VertexAdapter.class);
    static final String ANTHROPIC_VERSION = "vertex-2023-10-16";

    private final BearerHeaders auth;
    private final UpstreamClient upstream;
    private final String locationPath;
    private final OpenAiCompatible openAi;
    private final Claude claude;
    private final boolean claudePrefill;

    VertexAdapter(UpstreamClient upstream, BearerHeaders auth, MultiMap fixed, String project, String location,
            boolean claudePrefill) {
        this.upstream = upstream;
        this.auth = auth;
        this.locationPath = "/v1/projects/" + project + "/locations/" + location;
        this.openAi = new OpenAiCompatible(upstream, fixed);
        this.claude = new Claude(upstream, fixed);
        this.claudePrefill = claudePrefill;
    }

    /** The adapter of one configured {@code type: vertex} provider (checked before by RouteTable). */
    public static VertexAdapter create(Vertx vertx, String name, UnderstudyConfig.Provider p, Map<String, String> env) {
        return create(vertx, name, p, env, Clock.systemUTC());
    }

    /** @param clock when tokens expire and refreshes are due (a test moves it by hand) */
    public static VertexAdapter create(Vertx vertx, String name, UnderstudyConfig.Provider p, Map<String, String> env,
            Clock clock) {
        String project = VertexSettings.project(p, env).orElseThrow();
        String location = VertexSettings.location(p, env).orElseThrow();
        String endpoint = VertexSettings.endpoint(p, location);
        MultiMap fixed = MultiMap.caseInsensitiveMultiMap()
                .set("Content-Type", "application/json")
                .set("Accept", "application/json, text/event-stream");
        p.headers().forEach(fixed::set);
        BearerHeaders auth = new BearerHeaders(VertexSettings.tokens(p, env, vertx, clock), fixed);
        LOG.infof("provider %s: Vertex AI %s, project %s, location %s, credentials from %s", name, endpoint, project,
                location, auth.describe());
        return new VertexAdapter(new UpstreamClient(vertx, endpoint, p.maxConnections()), auth, fixed, project,
                location, p.prefill().orElse(true));
    }

    static boolean isClaude(String model) {
        return model.startsWith("claude");
    }

    private HttpProviderAdapter forModel(String model) {
        return isClaude(model) ? claude : openAi;
    }

    @Override
    public Uni<ChatResponse> complete(String model, ChatRequest request) {
        return forModel(model).complete(model, request);
    }

    @Override
    public Multi<ChatChunk> stream(String model, ChatRequest request) {
        return forModel(model).stream(model, request);
    }

    /** Without a model: the conservative answer (Gemini's OpenAI-compatible endpoint does not continue). */
    @Override
    public boolean supportsPrefill() {
        return false;
    }

    @Override
    public boolean supportsPrefill(String model) {
        return isClaude(model) && claudePrefill;
    }

    /**
     * {@code GET …/locations/{location}/endpoints?pageSize=1}: authenticated, free, no tokens. A 403
     * PERMISSION_DENIED counts as success: Google checks the token before the permission, so an identity
     * allowed only to predict is healthy; an API not enabled on the project is not.
     */
    @Override
    public Uni<Void> probe() {
        String uri = upstream.basePath() + locationPath + "/endpoints?pageSize=1";
        return auth.get().flatMap(h -> upstream.send(HttpMethod.GET, uri, h, null)).map(reply -> {
            if (reply.status() == 200) {
                return null;
            }
            ProviderException e = classify(reply.status(), reply.header(), reply.body());
            if ("PERMISSION_DENIED".equals(e.errorType()) && !reply.body().contains("SERVICE_DISABLED")) {
                return null;
            }
            throw e;
        });
    }

    @Override
    public long malformedEvents() {
        return openAi.malformedEvents() + claude.malformedEvents();
    }

    private ProviderException classify(int status, Function<String, String> header, String body) {
        return auth.refused(VertexErrors.classify(status, header, body));
    }

    /** Gemini (and other publishers' models) through Vertex's OpenAI-compatible endpoint. */
    private final class OpenAiCompatible extends OpenAiWireAdapter {

        OpenAiCompatible(UpstreamClient upstream, MultiMap fixed) {
            super(upstream, fixed, () -> {
                throw new UnsupportedOperationException("probed by VertexAdapter");
            });
        }

        @Override
        protected String streamPath() {
            return locationPath + "/endpoints/openapi/chat/completions";
        }

        @Override
        protected Uni<MultiMap> currentHeaders() {
            return auth.get();
        }

        @Override
        protected ProviderException classify(int status, Function<String, String> header, String body) {
            return VertexAdapter.this.classify(status, header, body);
        }

        @Override
        protected ObjectNode toProviderRequest(ChatRequest request, String model, boolean stream) {
            return OpenAiFormat.toProviderRequest(request, model.indexOf('/') > 0 ? model : "google/" + model, stream);
        }

        @Override
        protected ChatResponse fromProviderResponse(JsonNode body) {
            return FilteredAnswers.asRefusal(OpenAiFormat.parseResponse(body),
                    "Vertex AI's safety filters blocked the answer.");
        }

        @Override
        public boolean supportsPrefill() {
            return false;
        }
    }

    /** Claude through Anthropic's publisher endpoint: the Messages body, the model in the path. */
    private final class Claude extends AnthropicWireAdapter {

        Claude(UpstreamClient upstream, MultiMap fixed) {
            super(upstream, fixed, () -> {
                throw new UnsupportedOperationException("probed by VertexAdapter");
            });
        }

        @Override
        protected String streamPath() {
            return locationPath + "/publishers/anthropic/models";
        }

        @Override
        protected String path(String model, boolean stream) {
            return streamPath() + "/" + model + (stream ? ":streamRawPredict" : ":rawPredict");
        }

        @Override
        protected Uni<MultiMap> currentHeaders() {
            return auth.get();
        }

        @Override
        protected ProviderException classify(int status, Function<String, String> header, String body) {
            return VertexAdapter.this.classify(status, header, body);
        }

        @Override
        protected ObjectNode toProviderRequest(ChatRequest request, String model, boolean stream) {
            ObjectNode body = AnthropicFormat.toProviderRequest(request, model, stream);
            body.remove("model");
            body.put("anthropic_version", ANTHROPIC_VERSION);
            return body;
        }

        @Override
        public boolean supportsPrefill() {
            return claudePrefill;
        }
    }
}
