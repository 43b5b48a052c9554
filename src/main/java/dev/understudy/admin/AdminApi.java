package dev.understudy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.api.ChatEndpoint;
import dev.understudy.api.OpenAiErrors;
import dev.understudy.chaos.ChaosResource;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.health.CacheResource;
import dev.understudy.health.SavingsResource;
import dev.understudy.health.StatusResource;
import dev.understudy.provider.json.Json;
import dev.understudy.security.AdminGuard;
import dev.understudy.security.Keys;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The admin API ({@code /admin/*}): status and breaker reset, chaos, cache, savings. Behind the admin key,
 * and served on the main port, on a port of its own ({@code understudy.auth.admin-port}, a second listener
 * the Service need not expose), or nowhere ({@code understudy.auth.admin-enabled=false}). Wherever it is not
 * served, the main port answers 404 for {@code /admin/*}.
 */
@Singleton
public class AdminApi {

    private static final Logger LOG = Logger.getLogger(AdminApi.class);
    private static final int MAX_BODY = 64 * 1024;

    /** A status and a JSON body. */
    public record Reply(int status, JsonNode body) {
    }

    private final Keys keys;
    private final StatusResource status;
    private final ChaosResource chaos;
    private final CacheResource cache;
    private final SavingsResource savings;
    private final boolean enabled;
    private final OptionalInt port;
    private final String host;
    private volatile HttpServer server;

    public AdminApi(Keys keys, StatusResource status, ChaosResource chaos, CacheResource cache,
            SavingsResource savings, UnderstudyConfig config) {
        this.keys = keys;
        this.status = status;
        this.chaos = chaos;
        this.cache = cache;
        this.savings = savings;
        this.enabled = config.auth().adminEnabled();
        this.port = config.auth().adminPort();
        this.host = config.auth().adminHost();
    }

    void onMainRouter(@Observes Router router) {
        if (enabled && port.isEmpty()) {
            mount(router);
        } else {
            router.route("/admin/*").order(-100).handler(ctx -> notFound(ctx, enabled
                    ? "The admin API is served on its own port." : "The admin API is disabled."));
        }
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) throws Exception {
        if (!enabled || port.isEmpty()) {
            return;
        }
        Router router = Router.router(vertx);
        mount(router);
        router.route().last().handler(ctx -> notFound(ctx, "Only /admin/* is served on the admin port."));
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port.getAsInt())
                        .setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS))
                .requestHandler(router);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        LOG.infof("admin API on its own port: http://%s:%d/admin/status", host, server.actualPort());
    }

    void onStop(@Observes ShutdownEvent event) {
        HttpServer s = server;
        if (s != null) {
            s.close();
        }
    }

    /** The port the admin listener is bound to, or -1 when the admin API shares the main port or is off. */
    public int listeningPort() {
        HttpServer s = server;
        return s == null ? -1 : s.actualPort();
    }

    private void mount(Router router) {
        router.route("/admin/*").order(-100).handler(ctx -> AdminGuard.guard(ctx, () -> keys.authenticateAdmin(
                ctx.request())));
        router.route("/admin/chaos").order(-99).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        router.get("/admin/status").handler(ctx -> ok(ctx, status.status()));
        router.post("/admin/breakers/reset").handler(ctx -> ok(ctx, status.reset(ctx.request().getParam("target"))));
        router.get("/admin/chaos").handler(ctx -> ok(ctx, chaos.list()));
        router.delete("/admin/chaos").handler(ctx -> ok(ctx, chaos.clear(ctx.request().getParam("provider"))));
        router.post("/admin/chaos").handler(ctx -> {
            JsonNode body;
            try {
                body = ctx.body().length() == 0 ? null : Json.MAPPER.readTree(ctx.body().buffer().getBytes());
            } catch (Exception e) {
                body = null;
            }
            Reply reply = chaos.set(body);
            ChatEndpoint.writeJson(ctx.response(), reply.status(), reply.body());
        });
        router.get("/admin/cache").handler(ctx -> ok(ctx, cache.describe()));
        router.delete("/admin/cache").handler(ctx -> cache.clear().subscribe().with(body -> ok(ctx, body),
                e -> ChatEndpoint.writeJson(ctx.response(), 503, OpenAiErrors.body("The cache could not be cleared: "
                        + "its store did not answer.", "api_error", "cache_unavailable", null))));
        router.get("/admin/savings").handler(ctx -> ok(ctx, savings.savings()));
        router.route("/admin/*").last().handler(ctx -> notFound(ctx, "No admin endpoint " + ctx.request().method()
                + " " + ctx.normalizedPath() + "."));
    }

    private static void notFound(RoutingContext ctx, String message) {
        ChatEndpoint.writeJson(ctx.response(), 404, OpenAiErrors.body(message, "invalid_request_error", "not_found",
                null));
    }

    private static void ok(RoutingContext ctx, JsonNode body) {
        ChatEndpoint.writeJson(ctx.response(), 200, body);
    }
}
