package dev.understudy.cache;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** Where answers are kept: Redis when configured, else in process. Every call may fail or be slow. */
public interface CacheStore {

    /** The entry, or null. */
    Uni<CachedAnswer> get(String key);

    /** Stores with a time to live; evicts the oldest entries beyond {@code maxEntries}. */
    Uni<Void> put(CachedAnswer answer, Duration ttl, int maxEntries);

    /** Every live entry (to rebuild the similarity index at start-up). */
    Multi<CachedAnswer> all();

    /** Drops everything (tests, operator reset). */
    Uni<Void> clear();

    /**
     * Gives a stored entry the vector it was stored without (backfill), keeping its expiry; false when
     * the entry is gone meanwhile.
     */
    Uni<Boolean> attachVector(CachedAnswer withVector);

    /** Keys stored before {@code cutoffMillis} (expired under the TTL), dropped from the age index. */
    default Uni<java.util.List<String>> sweepOlderThan(long cutoffMillis) {
        return Uni.createFrom().item(java.util.List.of());
    }

    /** Told of keys dropped by eviction, so the similarity index can forget them. */
    interface EvictionListener {
        void evicted(String key);
    }

    default void onEviction(EvictionListener listener) {
    }

    String description();
}
