package dev.understudy.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;

/** {@code GET /v1/models}: the routes, as OpenAI model objects. */
@Path("/v1/models")
public class ModelsResource {

    private final RouteTable routes;

    public ModelsResource(RouteTable routes) {
        this.routes = routes;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode list() {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        routes.routes().stream().sorted(Comparator.comparing(Route::name)).forEach(r -> {
            ObjectNode m = data.addObject().put("id", r.name()).put("object", "model").put("created", 0)
                    .put("owned_by", "understudy");
            ArrayNode targets = m.putArray("targets");
            r.targets().forEach(t -> targets.add(t.id()));
        });
        return body;
    }
}
