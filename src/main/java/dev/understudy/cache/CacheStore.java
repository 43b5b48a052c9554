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

    String description();
}
