package dev.understudy.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.cache.EmergencyCache;
import dev.understudy.chat.ChatRequest;
import dev.understudy.lastresort.DegradedAnswers;
import dev.understudy.lastresort.WaitQueue;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;
import dev.understudy.tracing.RequestSpans;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * What the caller gets when no target answered, in order (docs/last-resorts.md): the provider's own rejection
 * if it was the caller's fault; else the exact cached answer → a similar question's answer → a place in
 * the wait queue (if the caller can wait) → the route's static answer → a 503 with Retry-After.
 * Every degraded answer says so: {@code x-understudy-source}, {@code degraded: true} and a notice.
 */
@Singleton
public class LastResorts {

    public static final String CACHE_NOTICE = "Cached response due to high demand";
    public static final String QUEUE_NOTICE = "Your request is queued and will be answered when service recovers";

    /** The caller's optional hints (docs/api.md) and its tenant (null until caller keys exist). */
    public record Hints(String category, boolean canWait, boolean noCache, String tenant, Integer tier) {
    }

    private final EmergencyCache cache;
    private final WaitQueue queue;

    public LastResorts(EmergencyCache cache, WaitQueue queue) {
        this.cache = cache;
        this.queue = queue;
    }

    public void respond(HttpServerResponse response, Route route, ChatRequest chat, ChainResult result, Hints hints,
            boolean stream, Replies replies) {
        if (result.rejected()) {
            route.meters().request("none", "rejected");
            Annotations.none(route.name(), result.attempts()).writeHeaders(response.headers());
            ChatEndpoint.writeJson(response, replies.rejectionStatus(result), replies.rejection(route, result));
            return;
        }
        Span span = Span.current(); // the request's span (the caller made it current); the lookup may hop threads
        Uni<EmergencyCache.Hit> lookup = hints.noCache() ? Uni.createFrom().nullItem()
                : cache.lookup(route, hints.tenant(), chat);
        lookup.subscribe().with(hit -> {
            if (hit != null) {
                serveCached(response, route, hit, result, chat, replies, span);
            } else if (hints.canWait()) {
                enqueue(response, route, chat, result, hints, stream, replies, span);
            } else {
                staticOr503(response, route, result, hints, stream, replies, span);
            }
        }, e -> staticOr503(response, route, result, hints, stream, replies, span));
    }

    private void serveCached(HttpServerResponse response, Route route, EmergencyCache.Hit hit, ChainResult result,
            ChatRequest chat, Replies replies, Span span) {
        RequestSpans.lastResort(span, "cache".equals(hit.source()) ? "exact_cache" : "similar_cache",
                hit.similarity());
        route.meters().request(hit.source(), "ok");
        Annotations a = new Annotations(route.name(), null, hit.source(), true, CACHE_NOTICE, true,
                result.attempts(), hit.similarity());
        writeCached(response, hit.answer(), a, chat, replies);
    }

    /** A stored answer, as this API's stream or body, with the given annotations (headers included). */
    static void writeCached(HttpServerResponse response, dev.understudy.cache.CachedAnswer answer, Annotations a,
            ChatRequest chat, Replies replies) {
        a.writeHeaders(response.headers());
        if (chat.stream()) {
            replies.streamWholeAnswer(response, answer.model(), answer.content(), answer.toolCalls(),
                    chat.includeUsage() ? answer.usage() : null, a);
        } else {
            ChatEndpoint.writeJson(response, 200, replies.lastResort(answer.model(), answer.content(),
                    answer.toolCalls(), answer.usage(), a));
        }
    }

    private void enqueue(HttpServerResponse response, Route route, ChatRequest chat, ChainResult result, Hints hints,
            boolean stream, Replies replies, Span span) {
        queue.enqueue(route, hints.tenant(), chat, replies.format()).subscribe().with(q -> {
            RequestSpans.lastResort(span, "queue", null);
            route.meters().request("none", "queued");
            Annotations a = new Annotations(route.name(), null, "none", true, QUEUE_NOTICE, true, result.attempts());
            a.writeHeaders(response.headers());
            response.putHeader("Location", WaitQueue.pollPath(q.id()));
            ObjectNode body = Json.object().put("id", q.id()).put("status", "queued")
                    .put("poll", WaitQueue.pollPath(q.id()))
                    .put("expires_at", Instant.ofEpochMilli(q.expiresAtMillis()).toString());
            body.set("understudy", a.toJson());
            ChatEndpoint.writeJson(response, 202, body);
        }, e -> staticOr503(response, route, result, hints, stream, replies, span)); // queue store down: next resort
    }

    private void staticOr503(HttpServerResponse response, Route route, ChainResult result, Hints hints,
            boolean stream, Replies replies, Span span) {
        String degraded = DegradedAnswers.answer(route, hints.category());
        if (degraded != null) {
            RequestSpans.lastResort(span, "static", null);
            route.meters().request("static", "ok");
            Annotations a = new Annotations(route.name(), null, "static", true, DegradedAnswers.NOTICE, true,
                    result.attempts());
            a.writeHeaders(response.headers());
            if (stream) {
                replies.streamWholeAnswer(response, route.name(), degraded, null, null, a);
            } else {
                ChatEndpoint.writeJson(response, 200, replies.lastResort(route.name(), degraded, null, null, a));
            }
            return;
        }
        route.meters().request("none", "failed");
        Annotations none = Annotations.none(route.name(), result.attempts());
        long retryAfter = Math.max(1, (result.retryAfter().toMillis() + 999) / 1000);
        ObjectNode json = replies.error(503, "Every provider of route '" + route.name() + "' failed. Retry in "
                + retryAfter + " s.", "all_providers_failed", null);
        ObjectNode error = (ObjectNode) json.get("error");
        error.set("attempts", none.toJson().get("attempts"));
        error.put("retry_after", retryAfter);
        json.set("understudy", none.toJson());
        none.writeHeaders(response.headers());
        response.putHeader("Retry-After", Long.toString(retryAfter));
        ChatEndpoint.writeJson(response, 503, json);
    }
}
