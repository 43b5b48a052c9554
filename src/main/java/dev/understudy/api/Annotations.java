package dev.understudy.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.Attempt;
import dev.understudy.routing.Target;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
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

    public ObjectNode toJson() {
        ObjectNode o = Json.object().put("source", source);
        if (answered != null) {
            o.put("provider", answered.provider()).put("model", answered.model());
        }
        o.put("fallback", fallback);
        if (notice != null) {
            o.put("notice", notice);
        }
        o.put("degraded", degraded);
        if (cacheSimilarity != null) {
            o.put("cache_similarity", Math.round(cacheSimilarity * 1000) / 1000.0);
        }
        ArrayNode list = o.putArray("attempts");
        for (Attempt a : attempts) {
            ObjectNode n = list.addObject().put("provider", a.provider()).put("model", a.model())
                    .put("outcome", a.outcome()).put("latency_ms", a.latencyMs());
            if (a.status() > 0) {
                n.put("status", a.status());
            }
            if (a.error() != null) {
                n.put("error", a.error());
            }
        }
        return o;
    }

    /** Targets actually called; skipped ones (cooling down, breaker open) do not count. */
    public int triedTargets() {
        return Attempt.distinctTargetsCalled(attempts);
    }
}
