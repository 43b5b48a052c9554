package dev.understudy.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.json.Json;
import dev.understudy.resilience.TargetHealth;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.Target;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Comparator;

/**
 * {@code GET /admin/status}: every route and target with breaker state, availability, health,
 * latency (EWMA, p95), decayed error count, cooldown and last probe. {@code POST /admin/breakers/reset}
 * closes breakers and clears what the targets' health has learned (all, or one {@code provider/model}).
 * Served by {@link dev.understudy.admin.AdminApi}.
 */
@Singleton
public class StatusResource {

    private final RouteTable routes;

    public StatusResource(RouteTable routes) {
        this.routes = routes;
    }

    public ObjectNode status() {
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("routes");
        routes.routes().stream().sorted(Comparator.comparing(Route::name)).forEach(r -> {
            ObjectNode route = list.addObject().put("name", r.name()).put("strategy", r.strategy())
                    .put("deadline_ms", r.deadline().toMillis()).put("can_answer", r.canAnswer());
            ArrayNode targets = route.putArray("targets");
            for (Target t : r.targets()) {
                ObjectNode n = target(t);
                var fault = routes.chaos().active(t.provider());
                if (fault != null) {
                    n.set("chaos", dev.understudy.chaos.ChaosResource.describe(routes.chaos(), fault));
                }
                targets.add(n);
            }
        });
        return body;
    }

    public ObjectNode reset(String target) {
        int count = 0;
        for (Route r : routes.routes()) {
            for (Target t : r.targets()) {
                if (target == null || target.equals(t.id())) {
                    t.health().reset();
                    count++;
                }
            }
        }
        return Json.object().put("reset", count);
    }

    private static ObjectNode target(Target t) {
        TargetHealth h = t.health();
        ObjectNode n = Json.object().put("provider", t.provider()).put("type", t.providerType())
                .put("model", t.model()).put("breaker", h.breaker().state().label())
                .put("available", h.available()).put("healthy", h.healthy());
        ObjectNode latency = n.putObject("latency_ms");
        number(latency, "ewma", h.ewmaMillis());
        number(latency, "p95", h.p95Millis());
        n.put("errors", Math.round(h.errors() * 100) / 100.0);
        if (h.coolingDown()) {
            n.put("cooldown_until", Instant.now().plus(h.cooldownLeft()).toString());
        } else {
            n.putNull("cooldown_until");
        }
        if (!h.breaker().openFor().isZero()) {
            n.put("open_until", Instant.now().plus(h.breaker().openFor()).toString());
        }
        TargetHealth.Probe p = h.lastProbe();
        if (p == null) {
            n.putNull("last_probe");
        } else {
            ObjectNode probe = n.putObject("last_probe").put("at", Instant.ofEpochMilli(p.atEpochMillis()).toString())
                    .put("ok", p.ok()).put("latency_ms", p.latencyMs());
            if (p.error() != null) {
                probe.put("error", p.error());
            }
        }
        if (h.lastError() != null) {
            n.put("last_error", h.lastError());
        }
        n.put("misconfigured", h.misconfigured());
        return n;
    }

    private static void number(ObjectNode n, String field, double value) {
        if (Double.isNaN(value)) {
            n.putNull(field);
        } else {
            n.put(field, Math.round(value * 10) / 10.0);
        }
    }
}
