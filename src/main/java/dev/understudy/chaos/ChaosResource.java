package dev.understudy.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.OpenAiErrors;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.RouteTable;
import dev.understudy.admin.AdminApi.Reply;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;

/**
 * {@code POST /admin/chaos} {@code {"provider":"openai","error-rate":0.3,"status":503,"latency":"2s",
 * "outage":true,"rate-limit":true,"duration":"5m"}} (any subset) sets the faults of one provider;
 * {@code DELETE /admin/chaos[?provider=…]} clears them; {@code GET /admin/chaos} lists them.
 */
@Singleton
public class ChaosResource {

    private final RouteTable routes;

    public ChaosResource(RouteTable routes) {
        this.routes = routes;
    }

    public Reply set(JsonNode body) {
        try {
            if (body == null || !body.isObject() || !body.path("provider").isTextual()) {
                return bad("'provider' is required: the name of a configured provider.");
            }
            String provider = body.get("provider").asText();
            if (!routes.providers().contains(provider)) {
                return bad("'" + provider + "' is not a provider in use (known: " + routes.providers() + ").");
            }
            double rate = body.path("error-rate").asDouble(0);
            if (rate < 0 || rate > 1) {
                return bad("'error-rate' must be between 0 and 1.");
            }
            int status = body.path("status").asInt(503);
            if (status < 400 || status > 599) {
                return bad("'status' must be an HTTP error status (400–599).");
            }
            Duration latency = body.hasNonNull("latency") ? DurationConverter.parseDuration(
                    body.get("latency").asText()) : Duration.ZERO;
            Duration duration = body.hasNonNull("duration") ? DurationConverter.parseDuration(
                    body.get("duration").asText()) : null;
            Chaos chaos = routes.chaos();
            Fault f = new Fault(rate, status, latency, body.path("outage").asBoolean(false),
                    body.path("rate-limit").asBoolean(false), duration == null ? 0 : chaos.now() + duration.toNanos());
            chaos.set(provider, f);
            return new Reply(200, list());
        } catch (IllegalArgumentException e) {
            return bad("A duration is not valid: use ISO-8601 or e.g. 500ms, 2s, 5m.");
        }
    }

    public ObjectNode clear(String provider) {
        if (provider == null) {
            routes.chaos().clearAll();
        } else {
            routes.chaos().clear(provider);
        }
        return list();
    }

    public ObjectNode list() {
        ObjectNode body = Json.object();
        ObjectNode faults = body.putObject("faults");
        Chaos chaos = routes.chaos();
        for (Map.Entry<String, Fault> e : chaos.all().entrySet()) {
            faults.set(e.getKey(), describe(chaos, e.getValue()));
        }
        return body;
    }

    public static ObjectNode describe(Chaos chaos, Fault f) {
        ObjectNode n = Json.object().put("error-rate", f.errorRate()).put("status", f.status())
                .put("latency_ms", Chaos.latency(f).toMillis()).put("outage", f.outage())
                .put("rate-limit", f.rateLimit());
        if (f.untilNanos() != 0) {
            n.put("remaining_ms", chaos.nanosLeft(f) / 1_000_000);
        }
        return n;
    }

    private static Reply bad(String message) {
        return new Reply(400, OpenAiErrors.body(message, "invalid_request_error", "invalid_chaos", null));
    }
}
