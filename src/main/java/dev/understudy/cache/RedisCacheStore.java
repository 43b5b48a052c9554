package dev.understudy.cache;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;

/**
 * Redis: one string per entry ({@code understudy:cache:<key>}, with the TTL as its expiry) and a sorted
 * set of keys by store time ({@code understudy:cache:order}) for oldest-first eviction.
 */
public final class RedisCacheStore implements CacheStore {

    static final String PREFIX = "understudy:cache:";
    static final String ORDER = "understudy:cache:order";

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveSortedSetCommands<String, String> order;
    private final ReactiveKeyCommands<String> keys;
    private final String hosts;

    public RedisCacheStore(ReactiveRedisDataSource redis, String hosts) {
        this.values = redis.value(String.class, String.class);
        this.order = redis.sortedSet(String.class, String.class);
        this.keys = redis.key(String.class);
        this.hosts = hosts;
    }

    @Override
    public Uni<CachedAnswer> get(String key) {
        return values.get(PREFIX + key).map(json -> json == null ? null : CachedAnswer.fromJson(json));
    }

    @Override
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
    public Uni<Void> clear() {
        return order.zrangebyscore(ORDER, ScoreRange.from(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY))
                .chain(list -> {
                    String[] all = java.util.stream.Stream.concat(list.stream().map(k -> PREFIX + k),
                            java.util.stream.Stream.of(ORDER)).toArray(String[]::new);
                    return keys.del(all).replaceWithVoid();
                });
    }

    @Override
    public String description() {
        return "Redis at " + hosts;
    }
}
