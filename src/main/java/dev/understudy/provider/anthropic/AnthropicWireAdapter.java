package dev.understudy.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.chat.ChatResponse;
import dev.understudy.provider.http.HttpProviderAdapter;
import dev.understudy.provider.http.ModelsApi;
import dev.understudy.provider.http.SseEvent;
import dev.understudy.provider.http.UpstreamClient;
import io.vertx.core.MultiMap;
import java.util.function.Supplier;

/**
 * What every endpoint speaking Anthropic's Messages wire shares — Anthropic itself and Claude on Vertex AI:
 * the answer's shape and the stream's typed events ending with {@code message_stop}. Each subclass keeps its
 * own paths, identity and request shaping.
 */
public abstract class AnthropicWireAdapter extends HttpProviderAdapter {

    protected AnthropicWireAdapter(UpstreamClient upstream, MultiMap headers, Supplier<ModelsApi> models) {
        super(upstream, headers, models);
    }

    @Override
    protected final ChatResponse fromProviderResponse(JsonNode body) {
        return AnthropicFormat.fromProviderResponse(body);
    }

    @Override
    protected final StreamDecoder newStreamDecoder() {
        AnthropicFormat.StreamDecoder decoder = new AnthropicFormat.StreamDecoder();
        return event -> decoder.decode(event.event(), event.data());
    }

    @Override
    protected final boolean isTerminal(SseEvent event) {
        return AnthropicFormat.isTerminal(event.event());
    }
}
