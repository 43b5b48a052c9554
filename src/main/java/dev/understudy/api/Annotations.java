package dev.understudy.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.Attempt;
import dev.understudy.routing.Target;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The {@code x-understudy-*} headers and the {@code understudy} body object of DESIGN.md §2: what
 * answered, from where, after how many tries, and what the end user should be told.
 */
public record Annotations(String route, Target answered, String source, boolean fallback, String notice,
        boolean degraded, List<Attempt> attempts) {

    public static final String BACKUP_NOTICE = "Using backup service";

    public static Annotations fromProvider(String route, Target answered, boolean fallback, List<Attempt> attempts) {
        return new Annotations(route, answered, "provider", fallback, fallback ? BACKUP_NOTICE : null, false,
                attempts);
    }

    public static Annotations none(String route, List<Attempt> attempts) {
        return new Annotations(route, null, "none", !attempts.isEmpty(), null, false, attempts);
    }

    public void writeHeaders(MultiMap headers) {
        headers.set("x-understudy-route", route);
        if (answered != null) {
            headers.set("x-understudy-provider", answered.provider());
            headers.set("x-understudy-model", answered.model());
        }
        headers.set("x-understudy-source", source);
        headers.set("x-understudy-attempts", Integer.toString(triedTargets()));
        headers.set("x-understudy-fallback", Boolean.toString(fallback));
        if (notice != null) {
            headers.set("x-understudy-notice", notice);
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
        return (int) attempts.stream().filter(a -> !a.outcome().startsWith("skipped"))
                .map(a -> a.provider() + "/" + a.model()).distinct().count();
    }
}
