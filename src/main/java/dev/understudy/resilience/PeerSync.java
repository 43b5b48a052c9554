package dev.understudy.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.Target;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

/**
 * Shares breaker openings and Retry-After cooldowns between replicas through the Redis channel
 * {@value #CHANNEL}, when {@code quarkus.redis.hosts} is set; otherwise each replica decides alone.
 * Everything is fire-and-forget on the reactive client: Redis being slow or down never delays or
 * fails a request, it only costs a (rate-limited) warning. Publishing is guarded by SmallRye Fault
 * Tolerance (a 500 ms timeout and a breaker): a hung or dead Redis costs one timeout per
 * breaker delay, then signals are skipped at once (each replica decides alone meanwhile).
 */
@Startup
@Singleton
public class PeerSync {

    static final String CHANNEL = "understudy:health";
    private static final Logger LOG = Logger.getLogger(PeerSync.class);

    private final String origin = UUID.randomUUID().toString();
    private final Map<String, Target> targets = new HashMap<>();
    private final WarnGate warnings = new WarnGate(Duration.ofSeconds(10));
    private KeptSubscription subscription;
    private ReactivePubSubCommands<String> pubsub;

    public PeerSync(RouteTable routes, Instance<ReactiveRedisDataSource> redis) {
        if (ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isEmpty()) {
            LOG.info("peer sync: no quarkus.redis.hosts; each replica decides alone");
            return;
        }
        pubsub = redis.get().pubsub(String.class);
        for (Route r : routes.routes()) {
            for (Target t : r.targets()) {
                targets.put(key(t.route(), t.provider(), t.model()), t);
                t.health().breaker().addListener((b, fromPeer) -> {
                    if (!fromPeer && b.state() == CircuitBreaker.State.OPEN) {
                        send(t, "open", b.openFor());
                    }
                });
                t.health().addCooldownListener(d -> send(t, "cooldown", d));
            }
        }
        subscription = new KeptSubscription(pubsub, CHANNEL, this::received,
                () -> LOG.infof("peer sync: subscribed to %s", CHANNEL), this::warn);
        subscription.start();
        LOG.infof("peer sync: breaker and cooldown signals shared through Redis channel %s", CHANNEL);
    }

    /** Before the Redis client closes: its end of the subscription is then no reason to subscribe again. */
    void stop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.stop();
        }
    }

    private void send(Target t, String kind, Duration d) {
        try {
            publish(t, kind, d).subscribe().with(v -> { }, e -> warn("cannot publish to Redis channel " + CHANNEL, e));
        } catch (RuntimeException e) {
            warn("cannot publish to Redis channel " + CHANNEL, e);
        }
    }

    /** One signal to the other replicas (intercepted: not private). */
    @Timeout(500)
    @org.eclipse.microprofile.faulttolerance.CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5,
            delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "skip")
    Uni<Void> publish(Target t, String kind, Duration d) {
        String message = Json.object().put("origin", origin).put("route", t.route()).put("provider", t.provider())
                .put("model", t.model()).put("kind", kind).put("ms", d.toMillis()).toString();
        return pubsub.publish(CHANNEL, message);
    }

    /** Redis slow, down or its breaker open: the signal is dropped, and said so (at most every 10 s). */
    Uni<Void> skip(Target t, String kind, Duration d) {
        warn("a " + kind + " signal was not shared",
                new IllegalStateException("Redis slow, down or its breaker open"));
        return Uni.createFrom().voidItem();
    }

    private void received(String message) {
        try {
            JsonNode m = Json.MAPPER.readTree(message);
            if (origin.equals(Json.text(m, "origin"))) {
                return; // our own signal, echoed back
            }
            Target t = targets.get(key(Json.text(m, "route"), Json.text(m, "provider"), Json.text(m, "model")));
            long ms = m.path("ms").asLong(0);
            if (t == null || ms <= 0) {
                return; // a target we do not have (other configuration), or nothing left to honour
            }
            switch (String.valueOf(Json.text(m, "kind"))) {
                case "open" -> t.health().breaker().forceOpen(Duration.ofMillis(ms));
                case "cooldown" -> t.health().coolDown(Duration.ofMillis(ms));
                default -> LOG.debugf("peer sync: unknown signal %s", message);
            }
        } catch (Exception e) {
            warn("ignoring a malformed message on " + CHANNEL, e);
        }
    }

    private void warn(String what, Throwable e) {
        if (warnings.open()) {
            LOG.warnf("peer sync: %s: %s (further peer sync warnings suppressed for 10 s)", what, e.toString());
        }
    }

    private static String key(String route, String provider, String model) {
        return route + '\u0000' + provider + '\u0000' + model;
    }
}
