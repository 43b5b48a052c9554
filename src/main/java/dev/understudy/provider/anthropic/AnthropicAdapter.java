package dev.understudy.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatRequest;
import dev.understudy.provider.http.UpstreamClient;
import io.vertx.core.MultiMap;

/** The Anthropic Messages API. Continues a final assistant turn natively (prefill). */
public final class AnthropicAdapter extends AnthropicWireAdapter {


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
    public boolean supportsPrefill() {
        return true;
    }
}
