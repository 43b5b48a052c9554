package dev.understudy.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.provider.http.HttpProviderAdapter;
import dev.understudy.provider.http.UpstreamClient;
import dev.understudy.provider.http.SseEvent;
import io.vertx.core.MultiMap;

/** The Anthropic Messages API. Continues a final assistant turn natively (prefill). */
public final class AnthropicAdapter extends HttpProviderAdapter {


    public AnthropicAdapter(UpstreamClient upstream, MultiMap headers, java.util.function.Supplier<dev.understudy.provider.http.ModelsApi> models) {
        super(upstream, headers, models);
    }

    @Override
    protected String streamPath() {
        return "/v1/messages";
    }

    @Override
    protected ObjectNode toProviderRequest(ChatRequest request, String model, boolean stream) {
        return AnthropicFormat.toProviderRequest(request, model, stream);
    }

    @Override
    protected ChatResponse fromProviderResponse(JsonNode body) {
        return AnthropicFormat.fromProviderResponse(body);
    }

    @Override
    protected StreamDecoder newStreamDecoder() {
        AnthropicFormat.StreamDecoder decoder = new AnthropicFormat.StreamDecoder();
        return event -> decoder.decode(event.event(), event.data());
    }

    @Override
    protected boolean isTerminal(SseEvent event) {
        return AnthropicFormat.isTerminal(event.event());
    }

    @Override
    public boolean supportsPrefill() {
        return true;
    }
}
