package dev.understudy.cache;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
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
 * set of keys by store time ({@code understudy:cache:order}) for oldest-first eviction.
 *
 * <p>Guarded by SmallRye Fault Tolerance: each call has a timeout and a breaker, so a hung or dead Redis
 * costs a lookup at most one timeout per breaker delay; meanwhile lookups answer as misses and stores are
 * skipped at once (the fallbacks). Built only when
 * {@code quarkus.redis.hosts} is set (an application-scoped bean is created on first use).
 */
@ApplicationScoped
public class RedisCacheStore implements CacheStore {


    static final String PREFIX = "understudy:cache:";
    static final String ORDER = "understudy:cache:order";

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveSortedSetCommands<String, String> order;
    private final ReactiveKeyCommands<String> keys;
    private final String hosts;

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
        return values.set(PREFIX + answer.key(), new String(answer.toJson(), java.nio.charset.StandardCharsets.UTF_8),
                new SetArgs().px(ttl))
                .chain(() -> order.zadd(ORDER, answer.storedAtMillis(), answer.key()))
                .chain(() -> order.zcard(ORDER))
                .chain(size -> size <= maxEntries ? Uni.createFrom().voidItem()
                        : order.zpopmin(ORDER, (int) (size - maxEntries)).chain(popped -> popped.isEmpty()
                                ? Uni.createFrom().voidItem()
                                : keys.del(popped.stream().map(v -> PREFIX + v.value()).toArray(String[]::new))
                                        .replaceWithVoid()));
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
                .chain(list -> {
                    String[] all = java.util.stream.Stream.concat(list.stream().map(k -> PREFIX + k),
                            java.util.stream.Stream.of(ORDER)).toArray(String[]::new);
                    return keys.del(all).replaceWithVoid();
                });
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
}
