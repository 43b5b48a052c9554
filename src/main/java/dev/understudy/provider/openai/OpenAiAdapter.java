package dev.understudy.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.UpstreamClient;
import io.vertx.core.MultiMap;
import java.util.List;

/** Any OpenAI-compatible server: OpenAI, Azure OpenAI, vLLM, Ollama, LM Studio, … */
public final class OpenAiAdapter extends OpenAiWireAdapter {

    private final boolean prefill;

    public OpenAiAdapter(UpstreamClient upstream, MultiMap headers, java.util.function.Supplier<dev.understudy.provider.http.ModelsApi> models, boolean prefill) {
        super(upstream, headers, models);
        this.prefill = prefill;
    }

    @Override
    protected String streamPath() {
        return "/chat/completions";
    }

    @Override
    protected ObjectNode toProviderRequest(ChatRequest request, String model, boolean stream) {
        return OpenAiFormat.toProviderRequest(request, model, stream, continueFinal(request));
    }

    @Override
    protected byte[] providerRequest(ChatRequest request, String model, boolean stream) {
        return OpenAiRequestWriter.bytes(request, model, stream, continueFinal(request));
    }

    /** vLLM and compatible servers continue a final assistant turn when asked to. */
    private boolean continueFinal(ChatRequest request) {
        return prefill && request.endsWithAssistant();
    }

    @Override
    protected ChatResponse fromProviderResponse(JsonNode body) {
        return OpenAiFormat.parseResponse(body);
    }

    @Override
    protected ChatResponse fromProviderResponse(io.vertx.core.buffer.Buffer body) throws com.fasterxml.jackson.core.JsonProcessingException {
        return OpenAiFormat.parseResponse(body);
    }

    @Override
    public boolean supportsPrefill() {
        return prefill;
    }
}
