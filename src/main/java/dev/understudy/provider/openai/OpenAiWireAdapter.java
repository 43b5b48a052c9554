package dev.understudy.provider.openai;

import dev.understudy.provider.http.HttpProviderAdapter;
import dev.understudy.provider.http.ModelsApi;
import dev.understudy.provider.http.SseEvent;
import dev.understudy.provider.http.UpstreamClient;
import io.vertx.core.MultiMap;
import java.util.function.Supplier;

/**
 * What every endpoint speaking OpenAI's Chat Completions wire shares — OpenAI and compatible servers, Azure
 * OpenAI, Vertex AI's OpenAI-compatible endpoint: its stream framing ({@code data:} chunks ending with
 * {@code [DONE]}). Each subclass keeps its own paths, identity, request shaping and error mapping.
 */
public abstract class OpenAiWireAdapter extends HttpProviderAdapter {

    private static final byte[] DONE = "[DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    protected OpenAiWireAdapter(UpstreamClient upstream, MultiMap headers, Supplier<ModelsApi> models) {
        super(upstream, headers, models);
    }

    @Override
    protected final StreamDecoder newStreamDecoder() {
        return OpenAiFormat::chunks;
    }

    @Override
    protected final boolean isTerminal(SseEvent event) {
        return event.dataIs(DONE);
    }
}
