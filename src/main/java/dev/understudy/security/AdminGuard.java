package dev.understudy.security;

import dev.understudy.api.OpenAiErrors;
import dev.understudy.provider.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;

/**
 * Puts a caller key in front of {@code /v1/models} and {@code /v1/queue/*}, before either runs. (The chat
 * endpoints check keys themselves, to answer in their own API's error shape; {@code /admin/*} is guarded by
 * {@link dev.understudy.admin.AdminApi}, wherever it is served.)
 */
@Singleton
public class AdminGuard {

    private final Keys keys;

    public AdminGuard(Keys keys) {
        this.keys = keys;
    }

    void register(@Observes Router router) {
        for (String path : new String[] {"/v1/models", "/v1/queue/*"}) {
            router.route(path).order(-100).handler(this::admit);
        }
    }

    /** A caller key, and its rate (counted in Redis when shared: the request goes on once Redis said yes). */
    private void admit(io.vertx.ext.web.RoutingContext ctx) {
        Caller[] caller = new Caller[1];
        guard(ctx, () -> caller[0] = keys.authenticate(ctx.request()), false);
        if (caller[0] == null) {
            return; // refused
        }
        if (!keys.sharedRate(caller[0])) {
            ctx.next();
            return;
        }
        io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
        keys.takeShared(caller[0]).subscribe().with(refusal -> context.runOnContext(v -> guard(ctx, () -> {
            if (refusal != null) {
                throw refusal;
            }
        }, true)));
    }

    /** Runs {@code check}; passes the request on, or answers its {@link AuthException} in the OpenAI shape. */
    public static void guard(io.vertx.ext.web.RoutingContext ctx, Runnable check) {
        guard(ctx, check, true);
    }

    private static void guard(io.vertx.ext.web.RoutingContext ctx, Runnable check, boolean next) {
        try {
            check.run();
            if (next) {
                ctx.next();
            }
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
