package dev.understudy.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.lastresort.QueuedRequest;
import dev.understudy.lastresort.WaitQueue;
import dev.understudy.provider.json.Json;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;

/**
 * {@code GET /v1/queue/{id}}: {@code queued}; {@code done} with the full response; {@code failed} with the
 * error; {@code expired}. An unknown id is a 404 in the OpenAI error shape.
 */
@Path("/v1/queue")
public class QueueResource {

    private final WaitQueue queue;
    private final dev.understudy.security.Keys keys;

    public QueueResource(WaitQueue queue, dev.understudy.security.Keys keys) {
        this.queue = queue;
        this.keys = keys;
    }

    /** Another tenant's queued request is as good as unknown: 404, not 403 (no existence leak). */
    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> get(@PathParam("id") String id, @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        String tenant = keys.tenantOf(request);
        return queue.get(id).map(q -> q == null || !java.util.Objects.equals(q.tenant(), tenant) ? notFound(id)
                : Response.ok(body(q)).build())
                .onFailure().recoverWithItem(e -> Response.status(503).entity(OpenAiErrors.body(
                        "The queue store is not reachable right now; try again shortly.", "server_error",
                        "queue_unavailable", null)).header("Retry-After", "2").build());
    }

    private static ObjectNode body(QueuedRequest q) {
        ObjectNode n = Json.object().put("id", q.id()).put("status", q.status()).put("route", q.route())
                .put("queued_at", Instant.ofEpochMilli(q.enqueuedAtMillis()).toString())
                .put("expires_at", Instant.ofEpochMilli(q.expiresAtMillis()).toString());
        if ("done".equals(q.status())) {
            n.set("response", q.result());
        } else if ("failed".equals(q.status())) {
            n.set("error", q.result() == null ? null : q.result().get("error"));
        }
        return n;
    }

    private static Response notFound(String id) {
        return Response.status(404).entity(OpenAiErrors.body("No queued request with id '" + id + "'.",
                "invalid_request_error", "queue_item_not_found", "id")).build();
    }
}
