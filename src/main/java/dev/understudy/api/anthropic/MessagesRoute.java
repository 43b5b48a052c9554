package dev.understudy.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.api.ChatEndpoint;
import dev.understudy.api.LastResorts;
import dev.understudy.api.Replies;
import dev.understudy.api.SseOutput;
import dev.understudy.cache.EmergencyCache;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.FallbackChain;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.StreamSink;
import dev.understudy.routing.StreamingChain;
import dev.understudy.routing.Target;
import io.vertx.ext.web.Router;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code POST /v1/messages}: the Anthropic Messages API, streaming and not, with the same routing,
 * fallback and last resorts as the OpenAI endpoint, and any target type behind it.
 */
@Singleton
public class MessagesRoute extends ChatEndpoint {

    public MessagesRoute(RouteTable routes, FallbackChain chain, StreamingChain streaming, UnderstudyConfig config,
            LastResorts lastResorts, EmergencyCache cache, dev.understudy.security.Keys keys) {
        super(routes, chain, streaming, config, lastResorts, cache, keys);
    }

    void register(@Observes Router router) {
        router.post("/v1/messages").handler(this::handle);
    }

    @Override
    protected ChatRequest parse(JsonNode body) {
        return AnthropicRequestParser.parse(body, maxMessages);
    }

    @Override
    protected Replies replies() {
        return AnthropicReplies.INSTANCE;
    }

    @Override
    protected StreamSink sink(SseOutput out, Route route, ChatRequest chat,
            Consumer<ChainResult> onFailBeforeStart, BiConsumer<ChatResponse, Target> onAnswered) {
        return new AnthropicSseWriter(out, route, onFailBeforeStart, onAnswered);
    }
}
