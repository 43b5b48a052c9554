package dev.understudy.provider.http;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Typed REST client of a provider's model list — the cheapest request every provider allows (it costs
 * no tokens), used by trials and idle checks of providers set to {@code probe: models}. Base URL: OpenAI-compatible {@code …/v1}; Anthropic
 * {@code https://api.anthropic.com/v1}. Off the request path, so the REST client's overhead is fine here.
 */
@Path("")
public interface ModelsApi {

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> models();
}
