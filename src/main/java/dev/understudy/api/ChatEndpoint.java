package dev.understudy.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.cache.EmergencyCache;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.FallbackChain;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.StreamSession;
import dev.understudy.routing.StreamSink;
import dev.understudy.routing.StreamingChain;
import dev.understudy.routing.Target;
import dev.understudy.security.AuthException;
import dev.understudy.security.Caller;
import dev.understudy.security.Keys;
import dev.understudy.tracing.RequestSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * What both chat APIs share (OpenAI {@code /v1/chat/completions}, Anthropic {@code /v1/messages}): read
 * the body within the limit, parse and validate, pick the route, then the fallback chain or the stream
 * session, the last resorts, and the background cache write. A plain Vert.x route rather than a JAX-RS
 * resource: the body limit, the error shape of every rejection and the moment SSE headers are committed
 * (only once the first content is ready, so failover before it stays invisible) are ours to decide.
 */
public abstract class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class);

    private final RouteTable routes;
    private final FallbackChain chain;
    private final StreamingChain streaming;
    private final LastResorts lastResorts;
    private final EmergencyCache cache;
    private final Keys keys;
    private final long maxBody;
    protected final int maxMessages;
    private final int maxMessageChars;
    private final long bodyTimeoutMillis;
    private final long writeStallMillis;

    protected ChatEndpoint(RouteTable routes, FallbackChain chain, StreamingChain streaming, UnderstudyConfig config,
            LastResorts lastResorts, EmergencyCache cache, Keys keys) {
        this.keys = keys;
        this.routes = routes;
        this.chain = chain;
        this.streaming = streaming;
        this.lastResorts = lastResorts;
        this.cache = cache;
        this.maxBody = config.limits().maxBodySize().asLongValue();
        this.maxMessages = config.limits().maxMessages();
        this.maxMessageChars = config.limits().maxMessageChars();
        this.bodyTimeoutMillis = Math.max(1, config.limits().bodyTimeout().toMillis());
        this.writeStallMillis = config.limits().writeStallTimeout().toMillis();
    }

    /** The API's request → canonical form; throws {@link InvalidRequestException} saying what is wrong. */
    protected abstract ChatRequest parse(JsonNode body);

    /**
     * The body → canonical form: by default read as a tree, then {@link #parse(JsonNode)}. An API may read the
     * everyday request without the tree, as long as the result (or the error) is the same.
     */
    protected ChatRequest parse(Buffer body) {
        return parse(parseJson(body));
    }

    protected abstract Replies replies();

    /** The API's stream writer. */
    protected abstract StreamSink sink(SseOutput out, Route route, ChatRequest chat,
            Consumer<ChainResult> onFailBeforeStart, BiConsumer<ChatResponse, Target> onAnswered);

    protected final void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Caller caller;
        try {
            caller = keys.authenticate(request); // before the body is even read
        } catch (AuthException e) {
            refuse(request.response(), e);
            return;
        }
        if (keys.sharedRate(caller)) { // counted in Redis: the body waits (paused) for the verdict
            io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
            keys.takeShared(caller).subscribe().with(refusal -> context.runOnContext(v -> {
                if (refusal != null) {
                    refuse(request.response(), refusal);
                } else {
                    receive(ctx, caller);
                }
            }));
            return;
        }
        receive(ctx, caller);
    }

    /** Reads the body (bounded in size and time), then processes the request. */
    private void receive(RoutingContext ctx, Caller caller) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("content-length");
        if (length != null && parseLong(length) > maxBody) {
            tooLarge(request.response());
            return;
        }
        // The body as it came: most come in one chunk, already a copy of its own (Vert.x copies each chunk off the
        // connection's buffer), which is kept as it is; a second chunk starts a buffer that gathers them.
        Buffer[] body = {null};
        boolean[] gathered = new boolean[1];
        boolean[] over = new boolean[1]; // answered already: too large or too slow
        boolean[] ended = new boolean[1];
        long[] timer = {-1};
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            int had = body[0] == null ? 0 : body[0].length();
            if (had + chunk.length() > maxBody) {
                over[0] = true;
                tooLarge(request.response());
                return;
            }
            if (body[0] == null) {
                body[0] = chunk;
            } else if (!gathered[0]) {
                gathered[0] = true;
                body[0] = Buffer.buffer(Math.max(256, 2 * (had + chunk.length()))).appendBuffer(body[0])
                        .appendBuffer(chunk);
            } else {
                body[0].appendBuffer(chunk);
            }
        });
        request.endHandler(v -> {
            ended[0] = true;
            if (timer[0] >= 0) {
                ctx.vertx().cancelTimer(timer[0]);
            }
            if (!over[0]) {
                process(ctx, body[0] == null ? Buffer.buffer() : body[0], caller);
            }
        });
        request.resume();
        // What already arrived with the headers is delivered in the event loop's next turn, queued before this
        // check: most bodies have ended by then, and only the rest need the slowloris timer.
        ctx.vertx().getOrCreateContext().runOnContext(v -> {
            if (!ended[0] && !over[0]) {
                timer[0] = ctx.vertx().setTimer(bodyTimeoutMillis, id -> {
                    if (!over[0]) { // a slowloris: headers in, body trickling or never coming
                        over[0] = true;
                        tooSlow(request);
                    }
                });
            }
        });
    }

    private void process(RoutingContext ctx, Buffer body, Caller caller) {
        HttpServerResponse response = ctx.response();
        ChatRequest chat;
        Route route;
        try {
            chat = parse(body);
            route = routes.route(chat.model());
            if (route == null) {
                throw new InvalidRequestException(404, "The model '" + chat.model() + "' does not exist: it is not "
                        + "a route of this gateway (see GET /v1/models).", "model", "model_not_found");
            }
            if (!caller.mayUse(route.name())) {
                throw new InvalidRequestException(403, "This API key may not use the model '" + route.name()
                        + "'.", "model", "route_not_allowed");
            }
            chat = withinLimits(chat, route);
        } catch (InvalidRequestException e) {
            writeJson(response, e.status(), replies().error(e.status(), e.getMessage(), e.code(), e.param()));
            return;
        }
        HttpServerRequest request = ctx.request();
        LastResorts.Hints hints;
        try {
            hints = new LastResorts.Hints(request.getHeader("x-understudy-category"),
                    "true".equalsIgnoreCase(request.getHeader("x-understudy-can-wait")),
                    "true".equalsIgnoreCase(request.getHeader("x-understudy-no-cache")), caller.tenant(),
                    tier(request.getHeader("x-understudy-tier")));
        } catch (InvalidRequestException e) {
            writeJson(response, 400, replies().error(400, e.getMessage(), e.code(), e.param()));
            return;
        }
        Span span = Span.current(); // the request's server span (HTTP instrumentation); invalid while tracing is off
        RequestSpans.begin(span, route.name(), chat.stream(), response);
        if (route.cacheFirst() && !hints.noCache()) {
            cacheFirst(request, route, chat, hints, span);
        } else {
            call(request, route, chat, hints, span);
        }
    }

    private void call(HttpServerRequest request, Route route, ChatRequest chat, LastResorts.Hints hints, Span span) {
        HttpServerResponse response = request.response();
        if (chat.stream()) {
            StreamSink sink = sink(new SseOutput(request, writeStallMillis), route, chat,
                    result -> {
                        try (Scope ignored = RequestSpans.activate(span)) {
                            lastResorts.respond(response, route, chat, result, hints, true, replies());
                        }
                    },
                    (answer, target) -> {
                        if (!hints.noCache()) {
                            cache.storeInBackground(route, hints.tenant(), chat, answer, target);
                        }
                    });
            StreamSession session = streaming.stream(route, chat, hints.tier(), sink);
            onClose(response, session::cancel);
        } else {
            Cancellable call = chain.complete(route, chat, hints.tier()).subscribe().with(
                    result -> writeResult(response, route, chat, result, hints, span),
                    failure -> {
                        LOG.error("unexpected failure in the fallback chain", failure);
                        writeJson(response, 500, replies().error(500, "Internal gateway error.", null, null));
                    });
            onClose(response, call::cancel);
        }
    }

    private void writeResult(HttpServerResponse response, Route route, ChatRequest chat, ChainResult result,
            LastResorts.Hints hints, Span span) {
        if (!result.answeredByProvider()) {
            try (Scope ignored = RequestSpans.activate(span)) { // the last resorts note theirs on the request span
                lastResorts.respond(response, route, chat, result, hints, false, replies());
            }
            return;
        }
        route.meters().request("provider", "ok");
        route.account(result.answered(), result.response().usage());
        Annotations.fromProvider(route.name(), result.answered(), result.fallback(), result.attempts(),
                result.capped())
                .writeHeaders(response.headers());
        writeBody(response, 200, replies().answerBody(route, result));
        if (!hints.noCache()) {
            cache.storeInBackground(route, hints.tenant(), chat, result.response(), result.answered());
        }
    }

    /** Per-message size and the route's max_tokens ceiling (applied when the caller gave none). */
    private ChatRequest withinLimits(ChatRequest chat, Route route) {
        for (int i = 0; i < chat.messages().size(); i++) {
            if (chat.messages().get(i).text().length() > maxMessageChars) {
                throw new InvalidRequestException(400, "messages[" + i + "] is longer than " + maxMessageChars
                        + " characters.", "messages", "message_too_long");
            }
        }
        Integer ceiling = route.maxTokens();
        if (ceiling == null) {
            return chat;
        }
        if (chat.maxTokens() != null && chat.maxTokens() > ceiling) {
            throw new InvalidRequestException(400, "max_tokens " + chat.maxTokens() + " is above this route's "
                    + "ceiling of " + ceiling + ".", "max_tokens", "max_tokens_too_large");
        }
        return chat.maxTokens() != null ? chat : new ChatRequest(chat.model(), chat.messages(), chat.tools(),
                chat.toolChoice(), chat.temperature(), chat.topP(), ceiling, chat.stop(), chat.responseFormat(),
                chat.seed(), chat.user(), chat.stream(), chat.includeUsage(), chat.extra());
    }

    /** Serves an exact cached answer before any provider, for routes that opted into normal caching. */
    private void cacheFirst(HttpServerRequest request, Route route, ChatRequest chat, LastResorts.Hints hints,
            Span span) {
        HttpServerResponse response = request.response();
        cache.lookup(route, hints.tenant(), chat).subscribe().with(hit -> {
            if (hit == null || !"cache".equals(hit.source())) {
                try (Scope ignored = RequestSpans.activate(span)) { // the lookup may answer on another thread
                    call(request, route, chat, hints, span);
                }
                return;
            }
            route.meters().request("cache", "ok");
            LastResorts.writeCached(response, hit.answer(), new Annotations(route.name(), null, "cache", false, null,
                    false, List.of()), chat, replies());
        }, e -> {
            try (Scope ignored = RequestSpans.activate(span)) {
                call(request, route, chat, hints, span);
            }
        });
    }

    /** {@code x-understudy-tier}: 1–3 or simple/moderate/complex; null when absent. */
    static Integer tier(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        return switch (header.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "simple" -> 1;
            case "2", "moderate" -> 2;
            case "3", "complex" -> 3;
            default -> throw new InvalidRequestException(400, "x-understudy-tier must be 1, 2, 3, simple, moderate "
                    + "or complex.", "x-understudy-tier", "invalid_tier");
        };
    }

    private static JsonNode parseJson(Buffer body) {
        if (body.length() == 0) {
            throw new InvalidRequestException("The request body is empty: send a JSON object.", null);
        }
        try {
            return Json.tree(body);
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

    /** The caller went away: cancel the upstream work (unless the answer was already written). */
    private static void onClose(HttpServerResponse response, Runnable cancel) {
        try {
            if (!response.ended() && !response.closed()) {
                response.closeHandler(v -> cancel.run());
            }
        } catch (IllegalStateException answeredMeanwhile) {
            // written from the upstream's thread between the check and here: nothing left to cancel
        }
    }

    private void refuse(HttpServerResponse response, AuthException e) {
        if (e.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        writeJson(response, e.status(), replies().error(e.status(), e.getMessage(), e.code(), null));
    }

    /** 408, then the connection is closed: the caller did not send its body within the body timeout. */
    private void tooSlow(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        LOG.infof("closing a connection whose request body did not arrive within %d ms", bodyTimeoutMillis);
        if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
            response.reset();
            return;
        }
        response.setStatusCode(408).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                .end(Buffer.buffer(Json.bytes(replies().error(408, "The request body did not arrive within "
                        + bodyTimeoutMillis + " ms.", "request_timeout", null))))
                .onComplete(done -> request.connection().close());
    }

    private void tooLarge(HttpServerResponse response) {
        response.putHeader("Connection", "close");
        writeJson(response, 413, replies().error(413, "The request body is larger than the limit of " + maxBody
                + " bytes.", "request_too_large", null));
    }

    public static void writeJson(HttpServerResponse response, int status, JsonNode json) {
        if (response.ended() || response.closed()) {
            return;
        }
        writeBody(response, status, Json.buffer(json));
    }

    private static final CharSequence JSON_TYPE = io.vertx.core.http.HttpHeaders.createOptimized("application/json");

    /** Sends a JSON text as the whole response. */
    public static void writeBody(HttpServerResponse response, int status, Buffer json) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader(io.vertx.core.http.HttpHeaders.CONTENT_TYPE, JSON_TYPE)
                .end(json);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
