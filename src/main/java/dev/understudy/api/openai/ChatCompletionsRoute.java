package dev.understudy.api.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.api.InvalidRequestException;
import dev.understudy.api.OpenAiErrors;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.lastresort.DegradedAnswers;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import dev.understudy.provider.openai.OpenAiFormat;
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
    private final long maxBody;
    private final int maxMessages;

    public ChatCompletionsRoute(RouteTable routes, FallbackChain chain, StreamingChain streaming,
            UnderstudyConfig config) {
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
        String category = ctx.request().getHeader("x-understudy-category");
        if (chat.stream()) {
            OpenAiSseWriter writer = new OpenAiSseWriter(response, route, chat.includeUsage(),
                    result -> writeFailure(response, route, result, category, true));
            StreamSession session = streaming.stream(route, chat, writer);
            response.closeHandler(v -> session.cancel());
        } else {
            Cancellable call = chain.complete(route, chat).subscribe().with(
                    result -> writeResult(response, route, result, category),
                    failure -> {
                        LOG.error("unexpected failure in the fallback chain", failure);
                        writeJson(response, 500, OpenAiErrors.body("Internal gateway error.", "server_error", null,
                                null));
                    });
            response.closeHandler(v -> call.cancel());
        }
    }

    private void writeResult(HttpServerResponse response, Route route, ChainResult result, String category) {
        if (!result.answeredByProvider()) {
            writeFailure(response, route, result, category, false);
            return;
        }
        ChatResponse r = result.response();
        route.meters().request("provider", "ok");
        result.answered().meters().tokens(r.usage());
        ChatResponse named = new ChatResponse(r.id() != null ? r.id() : dev.understudy.chat.Ids.completionId(),
                result.answered().model(), r.created(), r.content(), r.toolCalls(), r.finishReason(), r.usage(),
                r.refusal());
        Annotations a = Annotations.fromProvider(route.name(), result.answered(), result.fallback(),
                result.attempts());
        ObjectNode json = OpenAiFormat.writeResponse(named);
        json.set("understudy", a.toJson());
        a.writeHeaders(response.headers());
        writeJson(response, 200, json);
    }

    /** Nothing answered: the provider's rejection, else a last resort, else a 503. */
    private void writeFailure(HttpServerResponse response, Route route, ChainResult result, String category,
            boolean stream) {
        Annotations none = Annotations.none(route.name(), result.attempts());
        if (result.rejected()) {
            route.meters().request("none", "rejected");
            ProviderException e = result.rejection();
            int status = e.status() >= 400 && e.status() < 500 ? e.status() : 400;
            ObjectNode json = OpenAiErrors.body(e.getMessage(), e.errorType() != null ? e.errorType()
                    : OpenAiErrors.typeFor(status), e.errorCode() != null ? e.errorCode() : e.failure().label(), null);
            json.set("understudy", none.toJson());
            none.writeHeaders(response.headers());
            writeJson(response, status, json);
            return;
        }
        String degraded = DegradedAnswers.answer(route, category);
        if (degraded != null) {
            route.meters().request("static", "ok");
            Annotations a = new Annotations(route.name(), null, "static", true, DegradedAnswers.NOTICE, true,
                    result.attempts());
            a.writeHeaders(response.headers());
            if (stream) {
                OpenAiSseWriter.writeWholeAnswer(response, route.name(), degraded, a);
            } else {
                ChatResponse r = new ChatResponse(dev.understudy.chat.Ids.completionId(), route.name(),
                        System.currentTimeMillis() / 1000, degraded, null, "stop", null, null);
                ObjectNode json = OpenAiFormat.writeResponse(r);
                json.set("understudy", a.toJson());
                writeJson(response, 200, json);
            }
            return;
        }
        route.meters().request("none", "failed");
        long retryAfter = Math.max(1, (result.retryAfter().toMillis() + 999) / 1000);
        ObjectNode json = OpenAiErrors.body("Every provider of route '" + route.name() + "' failed. Retry in "
                + retryAfter + " s.", "server_error", "all_providers_failed", null);
        ObjectNode error = (ObjectNode) json.get("error");
        error.set("attempts", none.toJson().get("attempts"));
        error.put("retry_after", retryAfter);
        json.set("understudy", none.toJson());
        none.writeHeaders(response.headers());
        response.putHeader("Retry-After", Long.toString(retryAfter));
        writeJson(response, 503, json);
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
