package dev.understudy.lastresort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.json.Json;

/**
 * A request waiting for a target: the OpenAI-format request body, and once finished its result
 * (the full response body, or the error body).
 *
 * @param status queued, done, failed or expired
 */
public record QueuedRequest(String id, String route, String tenant, String format, JsonNode request, String status,
        JsonNode result, long enqueuedAtMillis, long expiresAtMillis) {

    public QueuedRequest with(String newStatus, JsonNode newResult) {
        return new QueuedRequest(id, route, tenant, format, request, newStatus, newResult, enqueuedAtMillis,
                expiresAtMillis);
    }

    public String toJson() {
        ObjectNode n = Json.object().put("id", id).put("route", route).put("tenant", tenant).put("format", format)
                .put("status", status)
                .put("enqueued_at", enqueuedAtMillis).put("expires_at", expiresAtMillis);
        n.set("request", request);
        n.set("result", result);
        return n.toString();
    }

    public static QueuedRequest fromJson(String json) {
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            JsonNode result = n.get("result");
            return new QueuedRequest(Json.text(n, "id"), Json.text(n, "route"), Json.text(n, "tenant"),
                    Json.text(n, "format"), n.get("request"), Json.text(n, "status"), result == null || result.isNull() ? null : result,
                    n.path("enqueued_at").asLong(), n.path("expires_at").asLong());
        } catch (Exception e) {
            return null;
        }
    }
}
