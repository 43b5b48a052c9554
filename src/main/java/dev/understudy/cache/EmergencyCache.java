package dev.understudy.cache;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.metrics.Metrics;
import dev.understudy.resilience.WarnGate;
import dev.understudy.routing.Route;
import dev.understudy.routing.Target;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The emergency cache: every successful answer is stored in the background (never on the latency
 * path); when every target of a route failed, the exact answer to the same request is looked up, then
 * the answer to a similar question (embedding cosine + guard). A slow or dead Redis costs a miss, never
 * a failed request: {@link RedisCacheStore}'s Fault Tolerance guards (timeout, breaker, fallback) bound it.
 * Entries are scoped by tenant and route, so one caller is never served another's answer. With Redis, every
 * replica's similarity index follows the shared store ({@link IndexSync}); every embedding runs on one
 * thread, and an answer stored without a vector gets one later ({@link Backfill}).
 */
@Singleton
public class EmergencyCache {

    private static final Logger LOG = Logger.getLogger(EmergencyCache.class);
    /** How often the backlog is looked at (it is also worked off after every store). */
    private static final Duration BACKFILL_EVERY = Duration.ofSeconds(1);
    /** The same answer to the same request is written at most once in this long. */
    static final Duration REWRITE_AFTER = Duration.ofSeconds(1);
    /** Keys remembered as written lately, at most. */
    private static final int WRITTEN_KEPT = 8192;
    /** How often answers past their TTL leave the similarity index (at most the TTL itself). */
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

    /** A cached answer fit to serve: {@code source} is cache or similar-cache. */
    public record Hit(CachedAnswer answer, String source, Double similarity) {
    }

    private final UnderstudyConfig.Cache config;
    private final Metrics metrics;
    private final CacheStore store;
    private final SimilarAnswers similar;
    private final IndexSync sync;
    private final Backfill backfill;
    private final io.vertx.core.Vertx vertx;
    /** The backfill and sweep timers, cancelled on shutdown. */
    private final long[] timers = {-1, -1};
    private final WarnGate warnings = new WarnGate(Duration.ofSeconds(10));
    private final AtomicLong droppedWrites = new AtomicLong();
    private final AnswerWriter<Answer> writer = new AnswerWriter<>(this::write, () -> {
        droppedWrites.incrementAndGet();
        warn("emergency cache writer is behind: " + AnswerWriter.LIMIT + " answers waiting, the newest are not stored",
                (String) null);
    });
    /** Keys this replica wrote lately; only the writer thread adds to it. */
    private final java.util.Map<String, Written> written = new java.util.concurrent.ConcurrentHashMap<>();
    private final long rewriteAfterMillis;
    /** Keys of requests answered lately; only the writer thread uses it. */
    private final RecentKeys recentKeys = new RecentKeys();

    public EmergencyCache(UnderstudyConfig config, Instance<RedisCacheStore> redis, Metrics metrics,
            IndexSync sync, io.vertx.core.Vertx vertx) {
        this.config = config.cache();
        this.metrics = metrics;
        this.sync = sync;
        this.vertx = vertx;
        this.rewriteAfterMillis = Math.min(REWRITE_AFTER.toMillis(), this.config.ttl().toMillis() / 2);
        var hosts = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class);
        if (hosts.isPresent()) {
            this.store = redis.get();
        } else {
            MemoryCacheStore memory = new MemoryCacheStore(System::currentTimeMillis);
            this.store = memory;
        }
        this.similar = !this.config.enabled() ? SimilarAnswers.off("cache disabled")
                : !this.config.similarLookup() ? SimilarAnswers.off("understudy.cache.similar-lookup=false")
                : SimilarAnswersFactory.create(this::rebuildIndex);
        this.backfill = new Backfill(store, () -> this.similar, this::indexAndAnnounce);
        store.onEviction(key -> {
            unwritten(key);
            similar.forget(key);
            sync.announceForgotten(List.of(key));
        });
        metrics.cacheBackfill(backfill::backlog, backfill::backfilled);
        metrics.cacheWriter(writer::waiting, droppedWrites::get);
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
        for (long timer : timers) {
            if (timer != -1) {
                vertx.cancelTimer(timer);
            }
        }
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
        if (!sync.shared()) {
            rebuildIndex(); // with Redis, the subscription's first success rebuilds it
        }
        sync.listen(new IndexSync.Listener() {
            @Override
            public void stored(String key) {
                indexStored(key);
            }

            @Override
            public void forgotten(Collection<String> keys) {
                keys.forEach(key -> {
                    unwritten(key);
                    similar.forget(key);
                });
            }

            @Override
            public void cleared() {
                written.clear();
                similar.clear();
            }

            @Override
            public void subscribed() {
                rebuildIndex(); // whatever was announced while nobody listened
            }
        });
        timers[0] = vertx.setPeriodic(BACKFILL_EVERY.toMillis(), id -> backfill.drain());
        long sweep = Math.max(1_000, Math.min(config.ttl().toMillis(), SWEEP_EVERY.toMillis()));
        timers[1] = vertx.setPeriodic(sweep, id -> sweepExpired());
    }

    /** Forgets answers past their TTL here and on every replica (Redis expired them already). */
    private void sweepExpired() {
        store.sweepOlderThan(System.currentTimeMillis() - config.ttl().toMillis()).subscribe().with(expired -> {
            if (!expired.isEmpty()) {
                expired.forEach(key -> {
                    unwritten(key);
                    similar.forget(key);
                });
                sync.announceForgotten(expired);
            }
        }, e -> warn("cannot sweep expired answers from the similarity index", e));
    }

    /** A peer stored (or backfilled) an answer with its vector: index it here too. */
    private void indexStored(String key) {
        if (!similar.available()) {
            return; // indexed by the rebuild once the model has loaded
        }
        store.get(key).subscribe().with(a -> {
            if (a != null && a.vector() != null) {
                similar.index(a.scope(), a.key(), a.question(), a.vector());
            }
        }, e -> warn("cannot read an answer another replica stored", e));
    }

    private void indexAndAnnounce(CachedAnswer a) {
        similar.index(a.scope(), a.key(), a.question(), a.vector());
        sync.announceStored(a.key());
    }

    /**
     * Indexes the stored answers' vectors (Redis survives restarts); again once the model has loaded and
     * whenever the shared index's subscription is (re)established. Answers without a vector are backfilled.
     */
    private void rebuildIndex() {
        SimilarAnswers similar = this.similar; // null while the constructor still runs
        if (!config.enabled() || similar == null || backfill == null || !similar.available()) {
            return; // start() rebuilds it (or the subscription does) once the constructor is through
        }
        store.all().subscribe().with(a -> {
            if (a.vector() != null) {
                similar.index(a.scope(), a.key(), a.question(), a.vector());
            } else if (a.question() != null && !a.question().isEmpty()) {
                backfill.add(a.key());
            }
        }, e -> warn("cannot read the stored answers to rebuild the similarity index", e), backfill::drain);
    }

    public boolean enabled() {
        return config.enabled();
    }

    /**
     * Stores a provider's answer off the request path: the request path only queues it; the cache writer
     * thread computes its key, stores it and has its question embedded ({@link Backfill}: one thread, a
     * bounded queue, so under a burst the excess answers are stored for exact lookups first and embedded
     * later). The same answer to the same request, stored less than {@link #REWRITE_AFTER} ago, is not
     * written again: under load a popular question would otherwise rewrite one entry thousands of times a
     * second. Its expiry counts from that last write, so it may come up to that much earlier.
     */
    public void storeInBackground(Route route, String tenant, ChatRequest request, ChatResponse response,
            Target answered) {
        if (!config.enabled() || response == null || "length".equals(response.finishReason())
                && response.content() == null) {
            return;
        }
        writer.add(new Answer(route, tenant, request, response, answered, System.currentTimeMillis()));
    }

    /** An answer on its way from the request path to the writer thread. */
    private record Answer(Route route, String tenant, ChatRequest request, ChatResponse response, Target answered,
            long atMillis) {

        /** What makes two answers to one request the same stored entry. */
        long sameness() {
            return java.util.Objects.hash(response.content(), response.toolCalls(), response.finishReason(),
                    answered.provider(), answered.model());
        }
    }

    /** A key's last write from this replica: what was written, and when. */
    private record Written(long sameness, long atMillis) {
    }

    /** On the writer thread. */
    private void write(Answer answer) {
        String key = recentKeys.of(answer.tenant(), answer.route().name(), answer.request());
        Written last = written.get(key);
        long sameness = answer.sameness();
        if (last != null && last.sameness() == sameness && answer.atMillis() - last.atMillis() >= 0
                && answer.atMillis() - last.atMillis() < rewriteAfterMillis) {
            return; // the same answer, written moments ago
        }
        if (written.size() >= WRITTEN_KEPT) {
            written.clear(); // a bound, not an eviction order: a cleared key costs one extra write
        }
        Written now = new Written(sameness, answer.atMillis());
        written.put(key, now);
        ChatResponse response = answer.response();
        CachedAnswer a = new CachedAnswer(key, scope(answer.tenant(), answer.route()),
                Fingerprint.question(answer.request()), null, answer.answered().provider(),
                answer.answered().model(), response.content(), response.toolCalls(), response.finishReason(),
                response.usage(), answer.atMillis());
        backfill.withVector(a)
                .call(x -> store.put(x, config.ttl(), config.maxEntries()))
                .subscribe().with(x -> {
                    if (x.vector() != null) {
                        indexAndAnnounce(x);
                    }
                    backfill.drain();
                }, e -> {
                    written.remove(key, now); // not stored: the next such answer tries again
                    warn("cannot store an answer in the emergency cache", e);
                });
    }

    /** Forgets that this replica wrote {@code key} (evicted, expired, deleted here or by a peer). */
    private void unwritten(String key) {
        written.remove(key);
    }

    /** Exact, then similar; null when neither has a fit answer. Never fails. */
    public Uni<Hit> lookup(Route route, String tenant, ChatRequest request) {
        if (!config.enabled()) {
            return Uni.createFrom().nullItem();
        }
        String key = Fingerprint.of(tenant, route.name(), request);
        return store.get(key)
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
                    return store.get(match.get().key())
                            .map(a -> {
                                if (a == null) {
                                    similar.forget(match.get().key()); // expired or deleted under us
                                }
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

    /** Stored answers waiting for their question's vector. */
    public int backfillBacklog() {
        return backfill.backlog();
    }

    /** Drops every entry (operator reset, tests). */
    public Uni<Void> clear() {
        return Uni.createFrom().completionStage(() -> writer.discardThen(() -> {
            written.clear();
            similar.clear();
        })).chain(store::clear).invoke(sync::announceCleared);
    }

    private static String scope(String tenant, Route route) {
        return (tenant == null ? "" : tenant) + "\u0000" + route.name();
    }

    private void warn(String what, Throwable e) {
        warn(what, String.valueOf(e));
    }

    /** At most one warning every 10 s; {@code cause} null when {@code what} says it all. */
    private void warn(String what, String cause) {
        if (warnings.open()) {
            LOG.warnf("%s%s (the gateway keeps answering from providers)", what, cause == null ? "" : ": " + cause);
        }
    }
}
