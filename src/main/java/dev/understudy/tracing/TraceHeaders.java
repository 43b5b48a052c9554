package dev.understudy.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.MultiMap;

/**
 * The W3C {@code traceparent} (and {@code tracestate}) of the current attempt span, added to a provider
 * request. The upstream client's own Vert.x tracing is off: it would parent the provider's span on the request
 * span rather than on the attempt, and a second client span per call would cost without telling more.
 */
public final class TraceHeaders {

    private static final TextMapSetter<MultiMap> SETTER = (headers, key, value) -> headers.set(key, value);

    private TraceHeaders() {
    }

    /** {@code headers} itself when no span is current (tracing off); else a copy with the trace context. */
    public static MultiMap with(MultiMap headers) {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return headers;
        }
        MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        W3CTraceContextPropagator.getInstance().inject(context, copy, SETTER);
        return copy;
    }
}
