package dev.understudy.lastresort;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;

/**
 * Redis: the request as a string ({@code understudy:queue:item:<id>}), the waiting ids in a sorted set by
 * arrival ({@code understudy:queue:pending}), and a claim per id ({@code understudy:queue:claim:<id>},
 * SET NX PX). Survives restarts; with several replicas the claim makes each request answered once.
 */
public final class RedisQueueStore implements QueueStore {

    private static final String ITEM = "understudy:queue:item:";
    private static final String PENDING = "understudy:queue:pending";
    private static final String CLAIM = "understudy:queue:claim:";

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveSortedSetCommands<String, String> pending;
    private final ReactiveKeyCommands<String> keys;

    public RedisQueueStore(ReactiveRedisDataSource redis) {
        this.values = redis.value(String.class, String.class);
        this.pending = redis.sortedSet(String.class, String.class);
        this.keys = redis.key(String.class);
    }

    @Override
    public Uni<Void> add(QueuedRequest r) {
        long keepMillis = Math.max(1, r.expiresAtMillis() - System.currentTimeMillis()) + 3_600_000;
        return values.set(ITEM + r.id(), r.toJson(), new SetArgs().px(keepMillis))
                .chain(() -> pending.zadd(PENDING, r.enqueuedAtMillis(), r.id())).replaceWithVoid();
    }

    @Override
    public Uni<QueuedRequest> get(String id) {
        return values.get(ITEM + id).map(json -> json == null ? null : QueuedRequest.fromJson(json));
    }

    @Override
    public Uni<List<String>> pending() {
        return pending.zrangebyscore(PENDING, ScoreRange.from(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
    }

    @Override
    public Uni<Boolean> claim(String id, String owner, Duration lease) {
        return values.setGet(CLAIM + id, owner, new SetArgs().nx().px(lease)).map(previous -> previous == null)
                .onFailure().recoverWithUni(() -> values.set(CLAIM + id, owner, new SetArgs().nx().px(lease))
                        .chain(() -> values.get(CLAIM + id)).map(owner::equals));
    }

    @Override
    public Uni<Void> release(String id, String owner) {
        return values.get(CLAIM + id).chain(holder -> owner.equals(holder) ? keys.del(CLAIM + id).replaceWithVoid()
                : Uni.createFrom().voidItem());
    }

    @Override
    public Uni<Void> finish(QueuedRequest finished, Duration keep) {
        return values.set(ITEM + finished.id(), finished.toJson(), new SetArgs().px(keep))
                .chain(() -> pending.zrem(PENDING, finished.id()))
                .chain(() -> keys.del(CLAIM + finished.id())).replaceWithVoid();
    }

    @Override
    public Uni<Long> depth() {
        return pending.zcard(PENDING);
    }
}
