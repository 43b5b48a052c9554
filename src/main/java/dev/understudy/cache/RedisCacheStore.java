package dev.understudy.cache;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * Redis: one string per entry ({@code understudy:cache:<key>}, with the TTL as its expiry) and a sorted
 * set of keys by store time ({@code understudy:cache:order}) for oldest-first eviction. Every command names
 * one key (several keys are deleted one by one), so the layout works unchanged on Redis Cluster: no two keys
 * have to share a slot.
 *
 * <p>Guarded by SmallRye Fault Tolerance: each call has a timeout and a breaker, so a hung or dead Redis
 * costs a lookup at most one timeout per breaker delay; meanwhile lookups answer as misses and stores are
 * skipped at once (the fallbacks). Built only when
 * {@code quarkus.redis.hosts} is set (an application-scoped bean is created on first use).
 */
@Singleton
public class RedisCacheStore implements CacheStore {


    static final String PREFIX = "understudy:cache:";
    static final String ORDER = "understudy:cache:order";
    /** DELs in flight at once when clearing or evicting many: well within the client's pool and its wait queue. */
    private static final int DELETE_CONCURRENCY = 4;

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveSortedSetCommands<String, String> order;
    private final ReactiveKeyCommands<String> keys;
    private final String hosts;
    private volatile EvictionListener listener = key -> { };

    @Inject
    RedisCacheStore(Instance<ReactiveRedisDataSource> redis,
            @ConfigProperty(name = "quarkus.redis.hosts") Optional<String> hosts) {
        this(redis.get(), hosts.orElse("(not configured)"));
    }

    public RedisCacheStore(ReactiveRedisDataSource redis, String hosts) {
        this.values = redis.value(String.class, String.class);
        this.order = redis.sortedSet(String.class, String.class);
        this.keys = redis.key(String.class);
        this.hosts = hosts;
    }

    @Override
    public void onEviction(EvictionListener listener) {
        this.listener = listener;
    }

    @Override
    @Timeout(250)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "miss")
    public Uni<CachedAnswer> get(String key) {
        return values.get(PREFIX + key).map(json -> json == null ? null : CachedAnswer.fromJson(json));
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "skipPut")
    public Uni<Void> put(CachedAnswer answer, Duration ttl, int maxEntries) {
        return values.set(PREFIX + answer.key(), json(answer), new SetArgs().px(ttl))
                .chain(() -> order.zadd(ORDER, answer.storedAtMillis(), answer.key()))
                .chain(() -> order.zcard(ORDER))
                .chain(size -> size <= maxEntries ? Uni.createFrom().voidItem()
                        : order.zpopmin(ORDER, (int) (size - maxEntries)).chain(popped -> deleteEach(
                                popped.stream().map(v -> v.value()).toList(), true)));
    }

    @Override
    public Uni<Boolean> attachVector(CachedAnswer withVector) {
        // XX: never brings back an entry that expired or was deleted meanwhile; KEEPTTL: it expires as stored
        return values.setGet(PREFIX + withVector.key(), json(withVector), new SetArgs().xx().keepttl())
                .map(previous -> previous != null);
    }

    @Override
    public Uni<List<String>> sweepOlderThan(long cutoffMillis) {
        return order.zrangebyscore(ORDER, ScoreRange.from(Double.NEGATIVE_INFINITY, (double) cutoffMillis))
                .chain(expired -> expired.isEmpty() ? Uni.createFrom().item(expired)
                        : order.zrem(ORDER, expired.toArray(String[]::new)).replaceWith(expired));
    }

    @Override
    public Multi<CachedAnswer> all() {
        return order.zrangebyscore(ORDER, ScoreRange.from(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable((List<String>) list))
                .onItem().transformToUniAndConcatenate(this::get)
                .select().where(a -> a != null);
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    public Uni<Void> clear() {
        return order.zrangebyscore(ORDER, ScoreRange.from(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY))
                .chain(list -> deleteEach(list, false))
                .chain(() -> keys.del(ORDER)).replaceWithVoid();
    }

    /** Redis slow or down: the lookup is a miss (the caller moves on to the next last resort). */
    Uni<CachedAnswer> miss(String key) {
        return Uni.createFrom().nullItem();
    }

    /** Redis slow or down: the answer is not kept (the gateway keeps answering from providers). */
    Uni<Void> skipPut(CachedAnswer answer, Duration ttl, int maxEntries) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public String description() {
        return "Redis at " + hosts;
    }

    /** One DEL per entry: a multi-key DEL would span slots on a cluster. */
    private Uni<Void> deleteEach(List<String> entryKeys, boolean evicted) {
        if (entryKeys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(entryKeys)
                .onItem().transformToUni(k -> keys.del(PREFIX + k).invoke(() -> {
                    if (evicted) {
                        listener.evicted(k);
                    }
                })).merge(DELETE_CONCURRENCY)
                .collect().last().replaceWithVoid();
    }

    private static String json(CachedAnswer answer) {
        return new String(answer.toJson(), StandardCharsets.UTF_8);
    }
}
