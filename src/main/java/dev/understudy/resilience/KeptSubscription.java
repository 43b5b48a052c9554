package dev.understudy.resilience;

import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A subscription to one Redis pub/sub channel that is kept: when it ends or fails it is made again a little
 * later, once however many signals arrive, until {@link #stop()}. Shared by the replicas' breaker signals and
 * their similar-index announcements.
 */
public final class KeptSubscription {

    private static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(2);

    private final ReactivePubSubCommands<String> pubsub;
    private final String channel;
    private final Consumer<String> onMessage;
    private final Runnable onSubscribed;
    private final BiConsumer<String, Throwable> warn;
    private final AtomicBoolean resubscribing = new AtomicBoolean();
    private volatile boolean stopped;

    /** @param onSubscribed runs after every (re)subscription; @param warn logs a failure (the caller rate-limits) */
    public KeptSubscription(ReactivePubSubCommands<String> pubsub, String channel, Consumer<String> onMessage,
            Runnable onSubscribed, BiConsumer<String, Throwable> warn) {
        this.pubsub = pubsub;
        this.channel = channel;
        this.onMessage = onMessage;
        this.onSubscribed = onSubscribed;
        this.warn = warn;
    }

    public void start() {
        pubsub.subscribe(channel, onMessage, this::lost, e -> lost())
                .subscribe().with(s -> onSubscribed.run(), e -> {
                    warn.accept("cannot subscribe to Redis channel " + channel, e);
                    lost();
                });
    }

    public void stop() {
        stopped = true;
    }

    private void lost() {
        if (stopped || !resubscribing.compareAndSet(false, true)) {
            return;
        }
        try {
            Uni.createFrom().voidItem().onItem().delayIt().by(RESUBSCRIBE_DELAY).subscribe().with(v -> {
                resubscribing.set(false);
                if (!stopped) {
                    start();
                }
            });
        } catch (RuntimeException e) {
            resubscribing.set(false); // shutting down
        }
    }
}
