package dev.understudy.lastresort;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * Redis: the request as a string ({@code understudy:queue:item:<id>}), the waiting ids in a sorted set by
 * arrival ({@code understudy:queue:pending}), and a claim per id ({@code understudy:queue:claim:<id>},
 * SET NX PX). Survives restarts; with several replicas the claim makes each request answered once.
 *
 * <p>Guarded by SmallRye Fault Tolerance: every call has a 2 s timeout and a breaker, so a hung
 * or dead Redis costs each kind of call at most one timeout per breaker delay. Then, at once:
 * a queue round finds nothing pending and claims nothing (skipped), a release is left to the claim's
 * expiry; adding, reading or finishing a request fails with {@link QueueUnavailableException} — a queue
 * cannot be made up in process — so the caller gets the next last resort, or a 503 when polling.
 */
@Singleton
public class RedisQueueStore implements QueueStore {


    private static final String ITEM = "understudy:queue:item:";
    private static final String PENDING = "understudy:queue:pending";
    private static final String CLAIM = "understudy:queue:claim:";

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveSortedSetCommands<String, String> pending;
    private final ReactiveKeyCommands<String> keys;

    @Inject
    RedisQueueStore(Instance<ReactiveRedisDataSource> redis) {
        this(redis.get());
    }

    public RedisQueueStore(ReactiveRedisDataSource redis) {
        this.values = redis.value(String.class, String.class);
        this.pending = redis.sortedSet(String.class, String.class);
        this.keys = redis.key(String.class);
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "unavailableAdd")
    public Uni<Void> add(QueuedRequest r) {
        long keepMillis = Math.max(1, r.expiresAtMillis() - System.currentTimeMillis()) + 3_600_000;
        return values.set(ITEM + r.id(), r.toJson(), new SetArgs().px(keepMillis))
                .chain(() -> pending.zadd(PENDING, r.enqueuedAtMillis(), r.id())).replaceWithVoid();
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "unavailableGet")
    public Uni<QueuedRequest> get(String id) {
        return values.get(ITEM + id).map(json -> json == null ? null : QueuedRequest.fromJson(json));
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "nonePending")
    public Uni<List<String>> pending() {
        return pending.zrangebyscore(PENDING, ScoreRange.from(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "notClaimed")
    public Uni<Boolean> claim(String id, String owner, Duration lease) {
        return values.setGet(CLAIM + id, owner, new SetArgs().nx().px(lease)).map(previous -> previous == null)
                .onFailure().recoverWithUni(() -> values.set(CLAIM + id, owner, new SetArgs().nx().px(lease))
                        .chain(() -> values.get(CLAIM + id)).map(owner::equals));
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "leftToExpire")
    public Uni<Void> release(String id, String owner) {
        return values.get(CLAIM + id).chain(holder -> owner.equals(holder) ? keys.del(CLAIM + id).replaceWithVoid()
                : Uni.createFrom().voidItem());
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "unavailableFinish")
    public Uni<Void> finish(QueuedRequest finished, Duration keep) {
        return values.set(ITEM + finished.id(), finished.toJson(), new SetArgs().px(keep))
                .chain(() -> pending.zrem(PENDING, finished.id()))
                .chain(() -> keys.del(CLAIM + finished.id())).replaceWithVoid();
    }

    @Override
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "unavailableDepth")
    public Uni<Long> depth() {
        return pending.zcard(PENDING);
    }

    // --- fallbacks: Redis slow, down, or its breaker open ---

    Uni<Void> unavailableAdd(QueuedRequest r) {
        return QueueUnavailableException.fail();
    }

    Uni<QueuedRequest> unavailableGet(String id) {
        return QueueUnavailableException.fail();
    }

    /** This round finds nothing to do; the next round after recovery sees every request again. */
    Uni<List<String>> nonePending() {
        return Uni.createFrom().item(List.of());
    }

    Uni<Boolean> notClaimed(String id, String owner, Duration lease) {
        return Uni.createFrom().item(false);
    }

    /** The claim expires by itself after its lease; another replica takes the request then. */
    Uni<Void> leftToExpire(String id, String owner) {
        return Uni.createFrom().voidItem();
    }

    /** Not recorded: the request stays pending and is answered again once its claim has expired. */
    Uni<Void> unavailableFinish(QueuedRequest finished, Duration keep) {
        return QueueUnavailableException.fail();
    }

    Uni<Long> unavailableDepth() {
        return QueueUnavailableException.fail();
    }
}
