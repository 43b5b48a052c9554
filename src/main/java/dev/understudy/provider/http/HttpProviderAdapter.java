package dev.understudy.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ChunkAccumulator;
import dev.understudy.provider.Failure;
import dev.understudy.provider.MalformedEvents;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * What every HTTP provider shares: send the mapped body through the endpoint's {@link UpstreamClient},
 * classify errors, decode events, skip and count malformed ones. Subclasses supply only the pure mapping.
 */
public abstract class HttpProviderAdapter implements ProviderAdapter {

    /** Decodes one provider's stream; one instance per stream (it may keep state between events). */
    public interface StreamDecoder {
        List<ChatChunk> decode(SseEvent event);
    }

    private final UpstreamClient upstream;
    private final MultiMap headers;
    private final java.util.function.Supplier<ModelsApi> modelsClient;
    private volatile ModelsApi models;
    private final MalformedEvents malformed = new MalformedEvents();

    /** @param models builds the probe client on first use (REST clients need a running application) */
    protected HttpProviderAdapter(UpstreamClient upstream, MultiMap headers,
            java.util.function.Supplier<ModelsApi> models) {
        this.upstream = upstream;
        this.headers = headers;
        this.modelsClient = models;
    }

    /** Path of the chat endpoint below the base URL. */
    protected abstract String streamPath();

    /** Path of the chat endpoint for {@code model} (and for streaming or not); by default {@link #streamPath()}. */
    protected String path(String model, boolean stream) {
        return streamPath();
    }

    /**
     * Headers that change over time (a bearer token from a refreshing source), asked once per request; null
     * (the default) sends the fixed headers given to the constructor.
     */
    protected Uni<MultiMap> currentHeaders() {
        return null;
    }

    /** Classifies a non-200 reply; by default {@link HttpErrors#classify}. */
    protected ProviderException classify(int status, java.util.function.Function<String, String> header,
            String body) {
        return HttpErrors.classify(status, header, body);
    }

    /** This endpoint's transport. */
    protected UpstreamClient upstream() {
        return upstream;
    }

    /** The fixed headers given to the constructor. */
    protected MultiMap fixedHeaders() {
        return headers;
    }

    protected abstract ObjectNode toProviderRequest(ChatRequest request, String model, boolean stream);

    /**
     * The request body's bytes; by default those of {@link #toProviderRequest}'s tree. A format that writes its
     * requests without building a tree overrides this.
     */
    protected byte[] providerRequest(ChatRequest request, String model, boolean stream) {
        return Json.bytes(toProviderRequest(request, model, stream));
    }

    protected abstract ChatResponse fromProviderResponse(JsonNode body);

    /**
     * A whole reply's bytes as an answer; by default {@link #fromProviderResponse(JsonNode)} of its tree. A format
     * that reads its replies without building a tree overrides this.
     */
    protected ChatResponse fromProviderResponse(io.vertx.core.buffer.Buffer body) throws com.fasterxml.jackson.core.JsonProcessingException {
        return fromProviderResponse(Json.tree(body));
    }

    protected abstract StreamDecoder newStreamDecoder();

    protected abstract boolean isTerminal(SseEvent event);

    @Override
    public Uni<ChatResponse> complete(String model, ChatRequest request) {
        byte[] body = providerRequest(request, model, false);
        String path = path(model, false);
        Uni<MultiMap> current = currentHeaders();
        Uni<UpstreamClient.Reply> sent = current == null ? upstream.request(path, headers, body)
                : current.flatMap(h -> upstream.request(path, h, body));
        return sent.map(reply -> {
            if (reply.status() != 200) {
                throw classify(reply.status(), reply.header(), reply.body());
            }
            String type = reply.header().apply("content-type");
            if (type != null && type.startsWith("text/event-stream")) {
                return fromEventStream(reply.body()); // some servers stream even when asked not to
            }
            try {
                return fromProviderResponse(reply.raw());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ProviderException(Failure.MALFORMED, "malformed response body: " + e.getOriginalMessage());
            }
        });
    }

    @Override
    public Uni<Void> probe() {
        if (models == null) {
            models = modelsClient.get();
        }
        return models.models()
                .onFailure(t -> !(t instanceof ProviderException)).transform(HttpErrors::connectFailure)
                .map(response -> {
                    if (response.getStatus() != 200) {
                        throw HttpErrors.classify(response.getStatus(), response::getHeaderString,
                                response.readEntity(String.class));
                    }
                    return null;
                });
    }

    /** A whole SSE body, folded into one response; an unfinished stream is a malformed reply. */
    private ChatResponse fromEventStream(String body) {
        StreamDecoder decoder = newStreamDecoder();
        ChunkAccumulator answer = new ChunkAccumulator();
        boolean[] terminal = new boolean[1];
        SseParser parser = new SseParser(event -> {
            if (terminal[0] || isTerminal(event)) {
                terminal[0] = true;
                return;
            }
            malformed.decode(() -> decoder.decode(event)).forEach(answer::add);
        });
        parser.feed(io.vertx.core.buffer.Buffer.buffer(body));
        parser.finish();
        if (!answer.finished()) {
            throw new ProviderException(Failure.MALFORMED, "the event-stream reply ended before the answer finished");
        }
        return answer.toResponse(null, null, System.currentTimeMillis() / 1000);
    }

    @Override
    public Multi<ChatChunk> stream(String model, ChatRequest request) {
        byte[] body = providerRequest(request, model, true);
        String path = path(model, true);
        return Multi.createFrom().deferred(() -> {
            StreamDecoder decoder = newStreamDecoder();
            Uni<MultiMap> current = currentHeaders();
            Multi<SseEvent> events = current == null
                    ? upstream.post(path, headers, body, this::isTerminal, this::classify)
                    : current.toMulti().onItem().transformToMultiAndConcatenate(
                            h -> upstream.post(path, h, body, this::isTerminal, this::classify));
            return events.onItem().transformToIterable(event -> malformed.decode(() -> decoder.decode(event)));
        });
    }

    @Override
    public long malformedEvents() {
        return malformed.total();
    }
}
