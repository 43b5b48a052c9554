package dev.understudy.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every HTTP provider shares: send the mapped body through the provider's typed REST client
 * (non-streaming) or the {@link SseClient} (streaming), classify errors, decode events, skip and count
 * malformed ones. Subclasses supply only the pure mapping.
 */
public abstract class HttpProviderAdapter implements ProviderAdapter {

    /** Decodes one provider's stream; one instance per stream (it may keep state between events). */
    public interface StreamDecoder {
        List<ChatChunk> decode(SseEvent event);
    }

    private final SseClient sse;
    private final MultiMap headers;
    private final AtomicLong malformed = new AtomicLong();

    protected HttpProviderAdapter(SseClient sse, MultiMap headers) {
        this.sse = sse;
        this.headers = headers;
    }

    /** The typed REST client call for a non-streaming request. */
    protected abstract Uni<Response> send(byte[] body);

    /** Path of the streaming endpoint below the base URL. */
    protected abstract String streamPath();

    protected abstract ObjectNode toProviderRequest(ChatRequest request, String model, boolean stream);

    protected abstract ChatResponse fromProviderResponse(JsonNode body);

    protected abstract StreamDecoder newStreamDecoder();

    protected abstract boolean isTerminal(SseEvent event);

    @Override
    public Uni<ChatResponse> complete(String model, ChatRequest request) {
        byte[] body = Json.bytes(toProviderRequest(request, model, false));
        return send(body)
                .onFailure(t -> !(t instanceof ProviderException)).transform(HttpErrors::connectFailure)
                .map(response -> {
                    String text = response.readEntity(String.class);
                    if (response.getStatus() != 200) {
                        throw HttpErrors.classify(response.getStatus(), response::getHeaderString, text);
                    }
                    JsonNode json;
                    try {
                        json = Json.MAPPER.readTree(text);
                    } catch (Exception e) {
                        throw new ProviderException(Failure.MALFORMED, "malformed response body: " + e.getMessage());
                    }
                    return fromProviderResponse(json);
                });
    }

    @Override
    public Multi<ChatChunk> stream(String model, ChatRequest request) {
        byte[] body = Json.bytes(toProviderRequest(request, model, true));
        return Multi.createFrom().deferred(() -> {
            StreamDecoder decoder = newStreamDecoder();
            return sse.post(streamPath(), headers, body, this::isTerminal)
                    .onItem().transformToIterable(event -> {
                        try {
                            return decoder.decode(event);
                        } catch (ProviderException e) {
                            if (e.failure() == Failure.MALFORMED) {
                                malformed.incrementAndGet();
                                return List.of();
                            }
                            throw e;
                        }
                    });
        });
    }

    @Override
    public long malformedEvents() {
        return malformed.get();
    }
}
