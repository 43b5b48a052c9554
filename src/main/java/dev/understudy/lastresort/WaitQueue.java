package dev.understudy.lastresort;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.api.Replies;
import dev.understudy.api.openai.OpenAiRequestParser;
import dev.understudy.chat.ChatRequest;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.metrics.Metrics;
import dev.understudy.provider.openai.OpenAiFormat;
import dev.understudy.routing.FallbackChain;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.Target;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Requests whose caller said it can wait ({@code x-understudy-can-wait: true}) and that nothing could
 * answer now. Stored durably (Redis, or in process), retried every {@code queue.poll-interval} — but only
 * while a target of their route is available, one at a time so a recovering provider is not flooded —
 * until answered, rejected or expired. A claim per request makes it answered once across replicas.
 */
@Singleton
public class WaitQueue {

    private static final Logger LOG = Logger.getLogger(WaitQueue.class);

    private final UnderstudyConfig.Queue config;
    private final RouteTable routes;
    private final FallbackChain chain;
    private final Vertx vertx;
    private final QueueStore store;
    private final String owner = UUID.randomUUID().toString();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong depth = new AtomicLong();
    /** Requests this replica holds a claim on right now. */
    private final java.util.Set<String> claimed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final int maxMessages;
    private long timer = -1;
    /** Set on shutdown: no new claims; one taken meanwhile is given back at once. */
    private volatile boolean stopping;

    public WaitQueue(UnderstudyConfig config, RouteTable routes, FallbackChain chain, Vertx vertx,
            Instance<RedisQueueStore> redis, Metrics metrics) {
        this.config = config.queue();
        this.routes = routes;
        this.chain = chain;
        this.vertx = vertx;
        this.maxMessages = config.limits().maxMessages();
        boolean useRedis = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class)
                .isPresent();
        this.store = useRedis ? redis.get() : new MemoryQueueStore();
        metrics.queueDepth(depth::get);
    }

    void start(@Observes StartupEvent event) {
        LOG.infof("wait queue: %s, max wait %s", store instanceof RedisQueueStore ? "Redis (durable)"
                : "in-process", config.maxWait());
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> drain());
    }

    /** A stopping gateway lets go of the requests it was working on, so another replica takes them at once. */
    void stop(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE)
            ShutdownEvent event) { // first: before anything slower runs on shutdown
        stopping = true;
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
        // a round in flight releases its own claims when its attempts end (the store is still open here)
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (running.get() && System.nanoTime() < end) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        for (String id : java.util.List.copyOf(claimed)) {
            try {
                store.release(id, owner).await().atMost(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.debugf("could not release queued request %s on shutdown: %s", id, e);
            }
        }
    }

    /** @param format the caller's API ("openai", "anthropic"): the result is written in that shape */
    public Uni<QueuedRequest> enqueue(Route route, String tenant, ChatRequest request, String format) {
        long now = System.currentTimeMillis();
        JsonNode body = OpenAiFormat.toProviderRequest(request, route.name(), false);
        QueuedRequest q = new QueuedRequest(UUID.randomUUID().toString(), route.name(), tenant, format, body,
                "queued", null, now, now + config.maxWait().toMillis());
        return store.add(q).replaceWith(q)
                .invoke(() -> depth.incrementAndGet());
    }

    public Uni<QueuedRequest> get(String id) {
        return store.get(id);
    }

    /** One round over the waiting requests; skipped while the previous round still runs. */
    void drain() {
        if (stopping || !running.compareAndSet(false, true)) {
            return;
        }
        store.pending()
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(this::attempt)
                .collect().last()
                .chain(() -> store.depth())
                .subscribe().with(d -> {
                    depth.set(d);
                    running.set(false);
                }, e -> {
                    LOG.debugf("queue round failed: %s", e);
                    running.set(false);
                });
    }

    private Uni<Void> attempt(String id) {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return store.get(id).chain(q -> {
            if (q == null || !"queued".equals(q.status())) {
                return Uni.createFrom().voidItem();
            }
            if (System.currentTimeMillis() > q.expiresAtMillis()) {
                return store.finish(q.with("expired", null), config.resultTtl());
            }
            Route route = routes.route(q.route());
            if (route == null) {
                return store.finish(q.with("failed", Replies.of(q.format()).error(404, "The route no longer exists.",
                        "route_gone", null)), config.resultTtl());
            }
            if (route.targets().stream().map(Target::health).noneMatch(h -> h.available())) {
                return Uni.createFrom().voidItem(); // nothing could answer: don't even try
            }
            return store.claim(id, owner, Duration.ofMinutes(2)).chain(mine -> {
                if (!mine) {
                    return Uni.createFrom().voidItem();
                }
                if (stopping) { // shutdown began while the claim was on its way: leave it to another replica
                    return store.release(id, owner);
                }
                claimed.add(id);
                return answer(route, q).onFailure().call(() -> store.release(id, owner))
                        .eventually(() -> claimed.remove(id));
            });
        });
    }

    private Uni<Void> answer(Route route, QueuedRequest q) {
        ChatRequest request = OpenAiRequestParser.parse(q.request(), maxMessages);
        Replies replies = Replies.of(q.format());
        return chain.complete(route, request).chain(result -> {
            if (result.answeredByProvider()) {
                route.meters().request("provider", "ok");
                route.account(result.answered(), result.response().usage());
                return store.finish(q.with("done", replies.answer(route, result)), config.resultTtl());
            }
            if (result.rejected()) {
                return store.finish(q.with("failed", replies.rejection(route, result)), config.resultTtl());
            }
            return store.release(q.id(), owner); // every target failed again: keep waiting
        });
    }

    /** For the 202: where to look and until when. */
    public static String pollPath(String id) {
        return "/v1/queue/" + id;
    }

}
