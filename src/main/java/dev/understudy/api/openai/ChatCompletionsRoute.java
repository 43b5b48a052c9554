package dev.understudy.api.openai;

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

/** {@code POST /v1/chat/completions}: the OpenAI Chat Completions API, streaming and not. */
@Singleton
public class ChatCompletionsRoute extends ChatEndpoint {

    public ChatCompletionsRoute(RouteTable routes, FallbackChain chain, StreamingChain streaming,
            UnderstudyConfig config, LastResorts lastResorts, EmergencyCache cache, dev.understudy.security.Keys keys) {
        super(routes, chain, streaming, config, lastResorts, cache, keys);
    }

    void register(@Observes Router router) {
        router.post("/v1/chat/completions").handler(this::handle);
    }

    @Override
    protected ChatRequest parse(JsonNode body) {
        return OpenAiRequestParser.parse(body, maxMessages);
    }

    /** The everyday request read without a tree ({@link OpenAiRequestReader}); any other through the tree. */
    @Override
    protected ChatRequest parse(io.vertx.core.buffer.Buffer body) {
        ChatRequest everyday = OpenAiRequestReader.read(body, maxMessages);
        return everyday != null ? everyday : super.parse(body);
    }

    @Override
    protected Replies replies() {
        return OpenAiReplies.INSTANCE;
    }

    @Override
    protected StreamSink sink(SseOutput out, Route route, ChatRequest chat,
            Consumer<ChainResult> onFailBeforeStart, BiConsumer<ChatResponse, Target> onAnswered) {
        return new OpenAiSseWriter(out, route, chat.includeUsage(), onFailBeforeStart, onAnswered);
    }
}
