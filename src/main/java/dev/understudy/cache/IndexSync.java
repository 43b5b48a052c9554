package dev.understudy.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.json.Json;
import dev.understudy.resilience.KeptSubscription;
import dev.understudy.resilience.WarnGate;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

/**
 * Keeps every replica's similarity index in step with the shared Redis store, through the channel
 * {@value #CHANNEL}: a replica that stored (or backfilled) an answer with its vector announces its key, and
 * the others read the entry (vector included) and index it; keys that were evicted, expired or cleared are
 * announced to be forgotten. Pub/sub delivers at most once, so a replica that (re)subscribes first rebuilds
 * its whole index from the store. Without {@code quarkus.redis.hosts} it does nothing: one replica, one index.
 * Publishing is guarded by SmallRye Fault Tolerance (a 1 s timeout and a breaker): a hung or dead Redis costs
 * one timeout per breaker delay, then announcements are dropped at once (each replica keeps its own index).
 */
@ApplicationScoped
public class IndexSync {

    static final String CHANNEL = "understudy:cache:index";
    private static final Logger LOG = Logger.getLogger(IndexSync.class);

    /** What a replica does with its peers' announcements. */
    public interface Listener {
        /** An entry with a vector was stored: read and index it. */
        void stored(String key);

        void forgotten(Collection<String> keys);

        void cleared();

        /** The subscription is (again) in place: anything announced meanwhile was missed. */
        void subscribed();
    }

    private final String origin = UUID.randomUUID().toString();
    private final WarnGate warnings = new WarnGate(Duration.ofSeconds(10));
    private final ReactivePubSubCommands<String> pubsub;
    private volatile Listener listener;
    private KeptSubscription subscription;
    /** This bean's client proxy: announcements go through it, so the Fault Tolerance guards on send apply. */
    @Inject
    IndexSync self;

    public IndexSync(Instance<ReactiveRedisDataSource> redis) {
        boolean shared = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isPresent();
        this.pubsub = shared ? redis.get().pubsub(String.class) : null;
    }

    /** Whether the index is shared (Redis configured). */
    public boolean shared() {
        return pubsub != null;
    }

    /** Starts listening; once per process. */
    public void listen(Listener listener) {
        if (pubsub == null || this.listener != null) {
            return;
        }
        this.listener = listener;
        subscription = new KeptSubscription(pubsub, CHANNEL, this::received, () -> {
            LOG.infof("similar index: shared through Redis channel %s", CHANNEL);
            listener.subscribed();
        }, this::warn);
        subscription.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.stop();
        }
    }

    /** Tells the other replicas that {@code key} now has a vector in the store. Fire-and-forget. */
    public void announceStored(String key) {
        if (pubsub != null) {
            publish(message("stored").put("key", key));
        }
    }

    /** Tells the other replicas to forget these keys (evicted or expired). Fire-and-forget. */
    public void announceForgotten(Collection<String> keys) {
        if (pubsub != null && !keys.isEmpty()) {
            ObjectNode m = message("forgotten");
            var array = m.putArray("keys");
            keys.forEach(array::add);
            publish(m);
        }
    }

    /** Tells the other replicas that the cache was cleared. Fire-and-forget. */
    public void announceCleared() {
        if (pubsub != null) {
            publish(message("cleared"));
        }
    }

    /**
     * Sends one announcement. No fallback: a failure (timeout, breaker open, refused) reaches
     * {@link #publish}, which says so with its cause (at most every 10 s).
     */
    @Timeout(1000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    public Uni<Void> send(String message) {
        return pubsub.publish(CHANNEL, message);
    }

    private ObjectNode message(String op) {
        return Json.object().put("origin", origin).put("op", op);
    }

    private void publish(ObjectNode message) {
        try {
            self.send(message.toString()).subscribe().with(v -> { }, e -> warn("cannot publish to " + CHANNEL, e));
        } catch (RuntimeException e) {
            warn("cannot publish to " + CHANNEL, e);
        }
    }

    private void received(String message) {
        try {
            JsonNode m = Json.MAPPER.readTree(message);
            if (origin.equals(Json.text(m, "origin"))) {
                return; // our own announcement, echoed back
            }
            switch (String.valueOf(Json.text(m, "op"))) {
                case "stored" -> {
                    String key = Json.text(m, "key");
                    if (key != null) {
                        listener.stored(key);
                    }
                }
                case "forgotten" -> {
                    List<String> keys = new ArrayList<>();
                    m.path("keys").forEach(k -> keys.add(k.asText()));
                    listener.forgotten(keys);
                }
                case "cleared" -> listener.cleared();
                default -> LOG.debugf("similar index: unknown announcement %s", message);
            }
        } catch (Exception e) {
            warn("ignoring a malformed message on " + CHANNEL, e);
        }
    }

    private void warn(String what, Throwable e) {
        if (warnings.open()) {
            LOG.warnf("similar index: %s: %s (each replica keeps its own index meanwhile; further warnings "
                    + "suppressed for 10 s)", what, e.toString());
        }
    }
}
