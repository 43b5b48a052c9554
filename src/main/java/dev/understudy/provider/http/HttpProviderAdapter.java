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

    protected abstract ObjectNode toProviderRequest(ChatRequest request, String model, boolean stream);

    protected abstract ChatResponse fromProviderResponse(JsonNode body);

    protected abstract StreamDecoder newStreamDecoder();

    protected abstract boolean isTerminal(SseEvent event);

    @Override
    public Uni<ChatResponse> complete(String model, ChatRequest request) {
        byte[] body = Json.bytes(toProviderRequest(request, model, false));
        return upstream.request(streamPath(), headers, body).map(reply -> {
            if (reply.status() != 200) {
                throw HttpErrors.classify(reply.status(), reply.header(), reply.body());
            }
            String type = reply.header().apply("content-type");
            if (type != null && type.startsWith("text/event-stream")) {
                return fromEventStream(reply.body()); // some servers stream even when asked not to
            }
            try {
                return fromProviderResponse(Json.MAPPER.readTree(reply.body()));
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
        byte[] body = Json.bytes(toProviderRequest(request, model, true));
        return Multi.createFrom().deferred(() -> {
            StreamDecoder decoder = newStreamDecoder();
            return upstream.post(streamPath(), headers, body, this::isTerminal)
                    .onItem().transformToIterable(event -> malformed.decode(() -> decoder.decode(event)));
        });
    }

    @Override
    public long malformedEvents() {
        return malformed.total();
    }
}
