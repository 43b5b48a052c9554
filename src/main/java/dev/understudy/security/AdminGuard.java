package dev.understudy.security;

import dev.understudy.api.OpenAiErrors;
import dev.understudy.provider.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Puts the admin key in front of every {@code /admin/*} endpoint, and a caller key in front of
 * {@code /v1/models} and {@code /v1/queue/*}, before any of them runs. (The chat endpoints check keys
 * themselves, to answer in their own API's error shape.)
 */
@ApplicationScoped
public class AdminGuard {

    private final Keys keys;

    public AdminGuard(Keys keys) {
        this.keys = keys;
    }

    void register(@Observes Router router) {
        router.route("/admin/*").order(-100).handler(ctx -> guard(ctx, () -> keys.authenticateAdmin(ctx.request())));
        for (String path : new String[] {"/v1/models", "/v1/queue/*"}) {
            router.route(path).order(-100).handler(ctx -> guard(ctx, () -> keys.authenticate(ctx.request())));
        }
    }

    private static void guard(io.vertx.ext.web.RoutingContext ctx, Runnable check) {
        try {
            check.run();
            ctx.next();
        } catch (AuthException e) {
            if (e.retryAfterSeconds() > 0) {
                ctx.response().putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            ctx.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(Json.bytes(OpenAiErrors.body(e.getMessage(), OpenAiErrors.typeFor(e.status()),
                            e.code(), null))));
        }
    }
}
