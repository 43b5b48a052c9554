package dev.understudy.api.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.api.InvalidRequestException;
import dev.understudy.api.OpenAiErrors;
import dev.understudy.cache.EmergencyCache;
import dev.understudy.chat.ChatRequest;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.FallbackChain;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.StreamSession;
import dev.understudy.routing.StreamingChain;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * {@code POST /v1/chat/completions}. A plain Vert.x route rather than a JAX-RS resource: the body limit,
 * the error shape of every rejection and the moment the SSE headers are committed (only once the first
 * content is ready, so failover before it stays invisible) are all ours to decide, and the hot path
 * skips a layer.
 */
@ApplicationScoped
public class ChatCompletionsRoute {

    private static final Logger LOG = Logger.getLogger(ChatCompletionsRoute.class);

    private final RouteTable routes;
    private final FallbackChain chain;
    private final StreamingChain streaming;
    private final LastResorts lastResorts;
    private final EmergencyCache cache;
    private final long maxBody;
    private final int maxMessages;

    public ChatCompletionsRoute(RouteTable routes, FallbackChain chain, StreamingChain streaming,
            UnderstudyConfig config, LastResorts lastResorts, EmergencyCache cache) {
        this.lastResorts = lastResorts;
        this.cache = cache;
        this.routes = routes;
        this.chain = chain;
        this.streaming = streaming;
        this.maxBody = config.limits().maxBodySize().asLongValue();
        this.maxMessages = config.limits().maxMessages();
    }

    void register(@Observes Router router) {
        router.post("/v1/chat/completions").handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("content-length");
        if (length != null && parseLong(length) > maxBody) {
            tooLarge(request.response());
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = new boolean[1];
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBody) {
                over[0] = true;
                tooLarge(request.response());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!over[0]) {
                process(ctx, body);
            }
        });
        request.resume();
    }

    private void process(RoutingContext ctx, Buffer body) {
        HttpServerResponse response = ctx.response();
        ChatRequest chat;
        Route route;
        try {
            JsonNode json = parseJson(body);
            chat = OpenAiRequestParser.parse(json, maxMessages);
            route = routes.route(chat.model());
            if (route == null) {
                throw new InvalidRequestException(404, "The model '" + chat.model() + "' does not exist: it is not "
                        + "a route of this gateway (see GET /v1/models).", "model", "model_not_found");
            }
        } catch (InvalidRequestException e) {
            writeJson(response, e.status(), OpenAiErrors.body(e.getMessage(), OpenAiErrors.typeFor(e.status()),
                    e.code(), e.param()));
            return;
        }
        HttpServerRequest request = ctx.request();
        LastResorts.Hints hints = new LastResorts.Hints(request.getHeader("x-understudy-category"),
                "true".equalsIgnoreCase(request.getHeader("x-understudy-can-wait")),
                "true".equalsIgnoreCase(request.getHeader("x-understudy-no-cache")), null);
        Route chosen = route;
        ChatRequest asked = chat;
        if (route.cacheFirst() && !hints.noCache()) {
            cacheFirst(response, route, chat, hints, () -> call(response, chosen, asked, hints));
        } else {
            call(response, route, chat, hints);
        }
    }

    private void call(HttpServerResponse response, Route route, ChatRequest chat, LastResorts.Hints hints) {
        if (chat.stream()) {
            OpenAiSseWriter writer = new OpenAiSseWriter(response, route, chat.includeUsage(),
                    result -> lastResorts.respond(response, route, chat, result, hints, true),
                    (answer, target) -> {
                        if (!hints.noCache()) {
                            cache.storeInBackground(route, hints.tenant(), chat, answer, target);
                        }
                    });
            StreamSession session = streaming.stream(route, chat, writer);
            response.closeHandler(v -> session.cancel());
        } else {
            Cancellable call = chain.complete(route, chat).subscribe().with(
                    result -> writeResult(response, route, chat, result, hints),
                    failure -> {
                        LOG.error("unexpected failure in the fallback chain", failure);
                        writeJson(response, 500, OpenAiErrors.body("Internal gateway error.", "server_error", null,
                                null));
                    });
            response.closeHandler(v -> call.cancel());
        }
    }

    private void writeResult(HttpServerResponse response, Route route, ChatRequest chat, ChainResult result,
            LastResorts.Hints hints) {
        if (!result.answeredByProvider()) {
            lastResorts.respond(response, route, chat, result, hints, false);
            return;
        }
        route.meters().request("provider", "ok");
        result.answered().meters().tokens(result.response().usage());
        OpenAiReplies.annotations(route, result).writeHeaders(response.headers());
        writeJson(response, 200, OpenAiReplies.answer(route, result));
        if (!hints.noCache()) {
            cache.storeInBackground(route, hints.tenant(), chat, result.response(), result.answered());
        }
    }

    /** Serves an exact cached answer before any provider, for routes that opted into normal caching. */
    private void cacheFirst(HttpServerResponse response, Route route, ChatRequest chat, LastResorts.Hints hints,
            Runnable otherwise) {
        cache.lookup(route, hints.tenant(), chat).subscribe().with(hit -> {
            if (hit == null || !"cache".equals(hit.source())) {
                otherwise.run();
                return;
            }
            route.meters().request("cache", "ok");
            Annotations a = new Annotations(route.name(), null, "cache", false, null, false, java.util.List.of());
            a.writeHeaders(response.headers());
            var answer = hit.answer();
            if (chat.stream()) {
                OpenAiSseWriter.writeWholeAnswer(response, answer.model(), answer.content(), answer.toolCalls(),
                        chat.includeUsage() ? answer.usage() : null, a);
            } else {
                writeJson(response, 200, OpenAiReplies.lastResort(answer.model(), answer.content(),
                        answer.toolCalls(), answer.usage(), a));
            }
        }, e -> otherwise.run());
    }

    private static JsonNode parseJson(Buffer body) {
        if (body.length() == 0) {
            throw new InvalidRequestException("The request body is empty: send a JSON object.", null);
        }
        try {
            return Json.MAPPER.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage();
            if (detail != null && detail.length() > 200) {
                detail = detail.substring(0, 200) + "…";
            }
            throw new InvalidRequestException("The request body is not valid JSON: " + detail
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")" : ""), null);
        } catch (Exception e) {
            throw new InvalidRequestException("The request body could not be read as JSON.", null);
        }
    }

    private void tooLarge(HttpServerResponse response) {
        response.putHeader("Connection", "close");
        writeJson(response, 413, OpenAiErrors.body("The request body is larger than the limit of " + maxBody
                + " bytes.", "invalid_request_error", "request_too_large", null));
    }

    static void writeJson(HttpServerResponse response, int status, JsonNode json) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(Json.bytes(json)));
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
