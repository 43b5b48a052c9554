package dev.understudy.cache;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.metrics.Metrics;
import dev.understudy.routing.Route;
import dev.understudy.routing.Target;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The emergency cache: every successful answer is stored in the background (never on the latency
 * path); when every target of a route failed, the exact answer to the same request is looked up, then
 * the answer to a similar question (embedding cosine + guard). Store calls are bounded by short
 * timeouts: a slow or dead Redis costs a miss and a (rate-limited) warning, never a failed request.
 * Entries are scoped by tenant and route, so one caller is never served another's answer.
 */
@ApplicationScoped
public class EmergencyCache {

    private static final Logger LOG = Logger.getLogger(EmergencyCache.class);
    private static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(250);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(2);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    /** A cached answer fit to serve: {@code source} is cache or similar-cache. */
    public record Hit(CachedAnswer answer, String source, Double similarity) {
    }

    /** One thread, 256 waiting at most: a bound on the CPU that cache writes may take. */
    private static final ExecutorService EMBEDDING = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(256), Thread.ofPlatform().daemon().name("understudy-embed").factory(),
            new ThreadPoolExecutor.AbortPolicy());

    private final UnderstudyConfig.Cache config;
    private final Metrics metrics;
    private final CacheStore store;
    private final SimilarAnswers similar;
    private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    public EmergencyCache(UnderstudyConfig config, Instance<ReactiveRedisDataSource> redis, Metrics metrics) {
        this.config = config.cache();
        this.metrics = metrics;
        var hosts = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class);
        if (hosts.isPresent()) {
            this.store = new RedisCacheStore(redis.get(), hosts.get());
        } else {
            MemoryCacheStore memory = new MemoryCacheStore(System::currentTimeMillis);
            this.store = memory;
        }
        this.similar = !this.config.enabled() ? SimilarAnswers.off("cache disabled")
                : !this.config.similarLookup() ? SimilarAnswers.off("understudy.cache.similar-lookup=false")
                : SimilarAnswersFactory.create(this::rebuildIndex);
        if (store instanceof MemoryCacheStore memory) {
            memory.onEviction(similar::forget);
        }
    }

    /**
     * The embedding model loads once the gateway listens (fired once the HTTP server is up): readiness
     * never waits for it, and its second of CPU does not slow the rest of start-up.
     */
    void loadModel(@ObservesAsync HttpServerStart started) {
        SimilarAnswersFactory.begin(similar);
    }

    /** A gateway stopped within a second of starting must not exit while the model is still loading. */
    void stop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        SimilarAnswers similar = this.similar;
        if (similar != null) {
            SimilarAnswersFactory.awaitLoad(similar, java.time.Duration.ofSeconds(10));
        }
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("emergency cache: off (understudy.cache.enabled=false)");
            return;
        }
        LOG.infof("emergency cache: %s, ttl %s, at most %d entries; similar lookup: %s", store.description(),
                config.ttl(), config.maxEntries(), similar.available() ? similar.description()
                        : "off (" + similar.description() + ")");
        rebuildIndex();
    }

    /** Indexes the stored answers' vectors (Redis survives restarts); again once the model has loaded. */
    private void rebuildIndex() {
        SimilarAnswers similar = this.similar; // null while the constructor still runs
        if (!config.enabled() || similar == null || !similar.available()) {
            return;
        }
        store.all().subscribe().with(a -> {
            if (a.vector() != null) {
                similar.index(a.scope(), a.key(), a.question(), a.vector());
            }
        }, e -> warn("cannot read the stored answers to rebuild the similarity index", e));
    }

    public boolean enabled() {
        return config.enabled();
    }

    /**
     * Stores a provider's answer off the request path. Embedding the question (for the similar lookup)
     * costs a few ms of CPU, so it runs on one thread with a bounded queue: under a burst the excess
     * answers are stored for exact lookups only, and the gateway never spends more than a core on it.
     */
    public void storeInBackground(Route route, String tenant, ChatRequest request, ChatResponse response,
            Target answered) {
        if (!config.enabled() || response == null || "length".equals(response.finishReason())
                && response.content() == null) {
            return;
        }
        Uni.createFrom().item(() -> new CachedAnswer(Fingerprint.of(tenant, route.name(), request),
                scope(tenant, route), Fingerprint.question(request), null, answered.provider(), answered.model(),
                response.content(), response.toolCalls(), response.finishReason(), response.usage(),
                System.currentTimeMillis()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(this::withVector)
                .call(a -> store.put(a, config.ttl(), config.maxEntries()).ifNoItem().after(STORE_TIMEOUT).fail())
                .subscribe().with(a -> {
                    if (a.vector() != null) {
                        similar.index(a.scope(), a.key(), a.question(), a.vector());
                    }
                }, e -> warn("cannot store an answer in the emergency cache", e));
    }

    private Uni<CachedAnswer> withVector(CachedAnswer a) {
        if (!similar.available() || a.question().isEmpty()) {
            return Uni.createFrom().item(a);
        }
        return Uni.createFrom().item(() -> {
            float[] v = similar.embed(a.question());
            return new CachedAnswer(a.key(), a.scope(), a.question(), v, a.provider(), a.model(), a.content(),
                    a.toolCalls(), a.finishReason(), a.usage(), a.storedAtMillis());
        }).runSubscriptionOn(EMBEDDING).onFailure(RejectedExecutionException.class).recoverWithItem(a);
    }

    /** Exact, then similar; null when neither has a fit answer. Never fails. */
    public Uni<Hit> lookup(Route route, String tenant, ChatRequest request) {
        if (!config.enabled()) {
            return Uni.createFrom().nullItem();
        }
        String key = Fingerprint.of(tenant, route.name(), request);
        return store.get(key).ifNoItem().after(LOOKUP_TIMEOUT).fail()
                .onFailure().recoverWithItem(e -> {
                    metrics.cacheLookup("exact", "error");
                    warn("emergency cache lookup failed", e);
                    return null;
                })
                .chain(exact -> {
                    if (exact != null) {
                        metrics.cacheLookup("exact", "hit");
                        return Uni.createFrom().item(new Hit(exact, "cache", null));
                    }
                    metrics.cacheLookup("exact", "miss");
                    return similarHit(scope(tenant, route), Fingerprint.question(request));
                });
    }

    private Uni<Hit> similarHit(String scope, String question) {
        if (!similar.available() || question.isEmpty()) {
            metrics.cacheLookup("similar", "off");
            return Uni.createFrom().nullItem();
        }
        double threshold = config.similarityThreshold();
        return Uni.createFrom().item(() -> similar.nearest(scope, question, similar.embed(question), threshold))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(match -> {
                    if (match.isEmpty()) {
                        metrics.cacheLookup("similar", "miss");
                        return Uni.createFrom().<Hit>nullItem();
                    }
                    return store.get(match.get().key()).ifNoItem().after(LOOKUP_TIMEOUT).fail()
                            .map(a -> {
                                metrics.cacheLookup("similar", a == null ? "miss" : "hit");
                                return a == null ? null : new Hit(a, "similar-cache", match.get().similarity());
                            });
                })
                .onFailure().recoverWithItem(e -> {
                    metrics.cacheLookup("similar", "error");
                    warn("similar lookup failed", e);
                    return null;
                });
    }

    /** What the cache runs on, for {@code GET /admin/cache}. */
    public String storeDescription() {
        return store.description();
    }

    public boolean similarAvailable() {
        return similar.available();
    }

    public String similarDescription() {
        return similar.description();
    }

    /** Drops every entry (operator reset, tests). */
    public Uni<Void> clear() {
        similar.clear();
        return store.clear();
    }

    private static String scope(String tenant, Route route) {
        return (tenant == null ? "" : tenant) + "\u0000" + route.name();
    }

    private void warn(String what, Throwable e) {
        long now = System.nanoTime();
        long last = lastWarn.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarn.compareAndSet(last, now)) {
            LOG.warnf("%s: %s (the gateway keeps answering from providers)", what, String.valueOf(e));
        }
    }
}
