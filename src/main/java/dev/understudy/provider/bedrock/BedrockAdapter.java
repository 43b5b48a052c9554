package dev.understudy.provider.bedrock;

import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.Failure;
import dev.understudy.provider.MalformedEvents;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Amazon Bedrock Runtime: Converse ({@code POST /model/{modelId}/converse}) and ConverseStream
 * ({@code POST /model/{modelId}/converse-stream}, binary event-stream framing), every request signed with
 * SigV4. The model is a model id ({@code anthropic.claude-sonnet-4-5-20250929-v1:0}), an inference profile
 * id ({@code us.anthropic…}) or an ARN. Continues a final assistant turn (prefill), as Claude does.
 */
public final class BedrockAdapter implements ProviderAdapter {

    private static final Logger LOG = Logger.getLogger(BedrockAdapter.class);
    private static final Map<String, String> NO_QUERY = Map.of();
    /** ListAsyncInvokes: a signed GET on the runtime endpoint that costs nothing (see {@link #probe()}). */
    private static final String PROBE_PATH = "/async-invoke";
    private static final Map<String, String> PROBE_QUERY = Map.of("maxResults", "1");

    private final BedrockClient client;
    private final RequestSigner signer;
    private final CredentialSource credentials;
    private final MultiMap extraHeaders;
    private final boolean prefill;
    private final Map<String, String> modelPaths = new ConcurrentHashMap<>();
    private final MalformedEvents malformed = new MalformedEvents();

    BedrockAdapter(BedrockClient client, RequestSigner signer, CredentialSource credentials, MultiMap extraHeaders,
            boolean prefill) {
        this.client = client;
        this.signer = signer;
        this.credentials = credentials;
        this.extraHeaders = extraHeaders;
        this.prefill = prefill;
    }

    /** The adapter of one configured {@code type: bedrock} provider (checked before by RouteTable). */
    public static BedrockAdapter create(Vertx vertx, String name, UnderstudyConfig.Provider p, Map<String, String> env) {
        String region = BedrockSettings.region(p, env).orElseThrow(() -> new IllegalStateException(
                "understudy.providers." + name + ".region is required"));
        CredentialSource source = BedrockSettings.source(p, env, vertx, Clock.systemUTC(), region);
        if (source == null) {
            throw new IllegalStateException("understudy.providers." + name + ": no AWS credentials");
        }
        BedrockClient client = new BedrockClient(vertx, BedrockSettings.endpoint(p, region), p.maxConnections());
        MultiMap extra = MultiMap.caseInsensitiveMultiMap();
        p.headers().forEach(extra::set);
        LOG.infof("provider %s: Bedrock %s, region %s, credentials from %s", name, BedrockSettings.endpoint(p, region),
                region, source.describe());
        return new BedrockAdapter(client, new RequestSigner(region, client.scheme, client.host, client.port, null),
                source, extra, p.prefill().orElse(true));
    }

    @Override
    public Uni<ChatResponse> complete(String model, ChatRequest request) {
        return Uni.createFrom().deferred(() -> {
            byte[] body = Json.bytes(BedrockFormat.toConverseRequest(request));
            String path = modelPath(model) + "/converse";
            return credentials.get()
                    .flatMap(c -> client.send(HttpMethod.POST, path, sign(SdkHttpMethod.POST, path, NO_QUERY,
                            "application/json", body, c), body))
                    .map(reply -> {
                        if (reply.status() != 200) {
                            throw refused(BedrockErrors.classify(reply.status(), reply.header(), reply.body()));
                        }
                        try {
                            return BedrockFormat.fromConverseResponse(Json.tree(reply.bytes()));
                        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                            throw new ProviderException(Failure.MALFORMED, "malformed Converse response: "
                                    + e.getOriginalMessage());
                        }
                    });
        });
    }

    @Override
    public Multi<ChatChunk> stream(String model, ChatRequest request) {
        return Multi.createFrom().deferred(() -> {
            byte[] body = Json.bytes(BedrockFormat.toConverseRequest(request));
            String path = modelPath(model) + "/converse-stream";
            BedrockFormat.StreamDecoder decoder = new BedrockFormat.StreamDecoder();
            return credentials.get().toMulti()
                    .onItem().transformToMultiAndConcatenate(c -> client.stream(path, sign(SdkHttpMethod.POST, path,
                            NO_QUERY, "application/vnd.amazon.eventstream", body, c), body, BedrockFormat::isTerminal,
                            malformed::count))
                    .onFailure(ProviderException.class).transform(t -> refused((ProviderException) t))
                    .onItem().transformToIterable(message -> malformed.decode(() -> decoder.decode(message)));
        });
    }

    /**
     * Claude on Bedrock continues a final assistant turn through Converse, so this defaults to true; a
     * provider serving models that reject one (some Llama, Mistral, Titan versions) sets {@code prefill: false}.
     */
    @Override
    public boolean supportsPrefill() {
        return prefill;
    }

    /**
     * Bedrock's runtime endpoint lists no models, so the probe is {@code GET /async-invoke?maxResults=1}
     * (ListAsyncInvokes): signed, free, no tokens. It shows the endpoint answers and accepts our signature;
     * an AccessDeniedException counts as success too, because AWS checks the signature and credentials
     * before permissions — a role allowed only {@code bedrock:InvokeModel*} is healthy.
     */
    @Override
    public Uni<Void> probe() {
        String path = client.basePath + PROBE_PATH;
        return credentials.get()
                .flatMap(c -> client.send(HttpMethod.GET, path + "?maxResults=1", sign(SdkHttpMethod.GET, path,
                        PROBE_QUERY, "application/json", null, c), null))
                .map(reply -> {
                    if (reply.status() == 200) {
                        return null;
                    }
                    ProviderException e = BedrockErrors.classify(reply.status(), reply.header(), reply.body());
                    if ("AccessDeniedException".equals(e.errorType())) {
                        return null;
                    }
                    throw refused(e);
                });
    }

    @Override
    public long malformedEvents() {
        return malformed.total();
    }

    private MultiMap sign(SdkHttpMethod method, String path, Map<String, String> query, String accept, byte[] body,
            AwsCredentials c) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(extraHeaders);
        if (body != null) {
            headers.set("Content-Type", "application/json");
        }
        headers.set("Accept", accept);
        return signer.sign(method, path, query, headers, body, c);
    }

    /** Refused credentials are dropped, so a refreshing source fetches new ones for the next attempt. */
    private ProviderException refused(ProviderException e) {
        if (BedrockErrors.credentialsRefused(e)) {
            credentials.invalidate();
        }
        return e;
    }

    /** {@code /model/{modelId}}, the id percent-encoded once (ids hold ':' and ARNs '/'); cached per model. */
    String modelPath(String model) {
        return modelPaths.computeIfAbsent(model, m -> client.basePath + "/model/" + uriEncode(m));
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 does. */
    static String uriEncode(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
