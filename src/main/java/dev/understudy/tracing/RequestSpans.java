package dev.understudy.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;

/**
 * What the request's server span (opened by the HTTP instrumentation, continuing the caller's
 * {@code traceparent}) learns of the gateway: the route, then from the response's own {@code x-understudy-*}
 * headers the source, fallback and attempt count, and events for skipped targets, fallbacks and last resorts.
 * Every method does nothing unless the span is recording.
 */
public final class RequestSpans {

    private RequestSpans() {
    }

    /** Names the route and registers the read of the annotations just before the response headers go out. */
    public static void begin(Span server, String route, boolean stream, HttpServerResponse response) {
        if (!server.isRecording()) {
            return;
        }
        server.setAttribute(GenAi.OPERATION, "chat");
        server.setAttribute(GenAi.REQUEST_MODEL, route);
        server.setAttribute(GenAi.ROUTE, route);
        server.setAttribute(GenAi.STREAM, stream);
        response.headersEndHandler(v -> annotate(server, response.headers()));
    }

    private static void annotate(Span server, MultiMap headers) {
        String source = headers.get("x-understudy-source");
        if (source == null) {
            return; // refused before any route work (bad input): the HTTP status says it all
        }
        server.setAttribute(GenAi.SOURCE, source);
        String fallback = headers.get("x-understudy-fallback");
        if (fallback != null) {
            server.setAttribute(GenAi.FALLBACK, Boolean.parseBoolean(fallback));
        }
        String attempts = headers.get("x-understudy-attempts");
        if (attempts != null) {
            try {
                server.setAttribute(GenAi.ATTEMPTS, Long.parseLong(attempts));
            } catch (NumberFormatException ignored) {
                // written by us; never happens
            }
        }
        String model = headers.get("x-understudy-model");
        if (model != null) {
            server.setAttribute(GenAi.RESPONSE_MODEL, model);
        }
    }

    /** A last resort answered: {@code exact_cache}, {@code similar_cache}, {@code queue} or {@code static}. */
    public static void lastResort(Span server, String kind, Double similarity) {
        if (!server.isRecording()) {
            return;
        }
        server.addEvent("understudy.last_resort", similarity == null
                ? Attributes.of(GenAi.REASON, kind)
                : Attributes.of(GenAi.REASON, kind, GenAi.SIMILARITY, similarity));
    }

    /** A target passed over without a call: its breaker is open or it is cooling down. */
    public static void skipped(Context request, String target, String why) {
        Span server = Span.fromContext(request);
        if (server.isRecording()) {
            server.addEvent("understudy.target_skipped", Attributes.of(GenAi.TARGET, target, GenAi.REASON, why));
        }
    }

    /** The chain moves on from {@code from}: the same reason {@code understudy_fallbacks_total} counts. */
    public static void fallback(Context request, String from, String reason) {
        Span server = Span.fromContext(request);
        if (server.isRecording()) {
            server.addEvent("understudy.fallback", Attributes.of(GenAi.TARGET, from, GenAi.REASON, reason));
        }
    }

    /** A stream was cut and could not be finished consistently: the caller got an in-band error. */
    public static void aborted(Context request) {
        Span server = Span.fromContext(request);
        if (server.isRecording()) {
            server.setAttribute(GenAi.ABORTED, true);
        }
    }

    /** The request span made current, for code that reads {@link Span#current()} (the last resorts). */
    public static Scope activate(Span server) {
        return server.isRecording() ? server.makeCurrent() : Scope.noop();
    }

    public static boolean recording(Context request) {
        return Span.fromContext(request).isRecording();
    }

    public static void attempts(Context request, int tried) {
        Span.fromContext(request).setAttribute(GenAi.ATTEMPTS, (long) tried);
    }
}
