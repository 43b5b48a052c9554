package dev.understudy.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.Attempt;
import dev.understudy.routing.Target;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.util.List;

/**
 * The {@code x-understudy-*} headers and the {@code understudy} body object of docs/api.md: what
 * answered, from where, after how many tries, and what the end user should be told.
 */
public record Annotations(String route, Target answered, String source, boolean fallback, String notice,
        boolean degraded, List<Attempt> attempts, Double cacheSimilarity) {

    public Annotations(String route, Target answered, String source, boolean fallback, String notice,
            boolean degraded, List<Attempt> attempts) {
        this(route, answered, source, fallback, notice, degraded, attempts, null);
    }

    public static final String BACKUP_NOTICE = "Using backup service";

    // pre-encoded header names: no per-request validation or encoding
    private static final CharSequence ROUTE = HttpHeaders.createOptimized("x-understudy-route");
    private static final CharSequence PROVIDER = HttpHeaders.createOptimized("x-understudy-provider");
    private static final CharSequence MODEL = HttpHeaders.createOptimized("x-understudy-model");
    private static final CharSequence SOURCE = HttpHeaders.createOptimized("x-understudy-source");
    private static final CharSequence ATTEMPTS = HttpHeaders.createOptimized("x-understudy-attempts");
    private static final CharSequence FALLBACK = HttpHeaders.createOptimized("x-understudy-fallback");
    private static final CharSequence NOTICE = HttpHeaders.createOptimized("x-understudy-notice");

    public static final String CAPACITY_NOTICE = "Shorter response due to capacity limits";

    public static Annotations fromProvider(String route, Target answered, boolean fallback, List<Attempt> attempts) {
        return fromProvider(route, answered, fallback, attempts, false);
    }

    /** @param capped a less capable target than the request needed answered (cost routing, budget cap) */
    public static Annotations fromProvider(String route, Target answered, boolean fallback, List<Attempt> attempts,
            boolean capped) {
        return new Annotations(route, answered, "provider", fallback || capped, capped ? CAPACITY_NOTICE
                : fallback ? BACKUP_NOTICE : null, capped, attempts);
    }

    public static Annotations none(String route, List<Attempt> attempts) {
        return new Annotations(route, null, "none", !attempts.isEmpty(), null, false, attempts);
    }

    public void writeHeaders(MultiMap headers) {
        headers.set(ROUTE, route);
        if (answered != null) {
            headers.set(PROVIDER, answered.provider());
            headers.set(MODEL, answered.model());
        }
        headers.set(SOURCE, source);
        headers.set(ATTEMPTS, Integer.toString(triedTargets()));
        headers.set(FALLBACK, fallback ? "true" : "false");
        if (notice != null) {
            headers.set(NOTICE, notice);
        }
    }

    /** The {@code understudy} object as a tree, for bodies built as trees. */
    public ObjectNode toJson() {
        return (ObjectNode) Json.tree(this::write);
    }

    /** Writes the field {@code understudy} with this object, at the end of a body. */
    public void writeField(JsonGenerator g) throws IOException {
        g.writeFieldName("understudy");
        write(g);
    }

    /** Writes the {@code understudy} object: the one definition of its shape. */
    public void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("source", source);
        if (answered != null) {
            g.writeStringField("provider", answered.provider());
            g.writeStringField("model", answered.model());
        }
        g.writeBooleanField("fallback", fallback);
        if (notice != null) {
            g.writeStringField("notice", notice);
        }
        g.writeBooleanField("degraded", degraded);
        if (cacheSimilarity != null) {
            g.writeNumberField("cache_similarity", Math.round(cacheSimilarity * 1000) / 1000.0);
        }
        g.writeArrayFieldStart("attempts");
        for (Attempt a : attempts) {
            g.writeStartObject();
            g.writeStringField("provider", a.provider());
            g.writeStringField("model", a.model());
            g.writeStringField("outcome", a.outcome());
            g.writeNumberField("latency_ms", a.latencyMs());
            if (a.status() > 0) {
                g.writeNumberField("status", a.status());
            }
            if (a.error() != null) {
                g.writeStringField("error", a.error());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Targets actually called; skipped ones (cooling down, breaker open) do not count. */
    public int triedTargets() {
        return Attempt.distinctTargetsCalled(attempts);
    }
}
