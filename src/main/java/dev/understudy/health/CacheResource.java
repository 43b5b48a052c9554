package dev.understudy.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.cache.EmergencyCache;
import dev.understudy.provider.json.Json;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

/**
 * {@code GET /admin/cache}: what the emergency cache runs on and whether the similar lookup is on;
 * {@code DELETE /admin/cache}: drops every stored answer (after a bad answer was cached, or in tests).
 */
@Singleton
public class CacheResource {

    private final EmergencyCache cache;

    public CacheResource(EmergencyCache cache) {
        this.cache = cache;
    }

    public ObjectNode describe() {
        ObjectNode body = Json.object().put("enabled", cache.enabled()).put("store", cache.storeDescription());
        body.putObject("similar").put("available", cache.similarAvailable())
                .put("description", cache.similarDescription()).put("backfill_backlog", cache.backfillBacklog());
        return body;
    }

    public Uni<ObjectNode> clear() {
        return cache.clear().map(v -> Json.object().put("cleared", true))
                .onFailure().transform(e -> new jakarta.ws.rs.ServiceUnavailableException(2L)); // Redis slow or down
    }
}
