package dev.understudy.cache;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** The embedded default: insertion-ordered map (oldest first out), TTL checked on read. */
public final class MemoryCacheStore implements CacheStore {

    private record Entry(CachedAnswer answer, long expiresAtMillis) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final LongSupplier clock;
    private EvictionListener listener = key -> { };

    public MemoryCacheStore(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    @Override
    public void onEviction(EvictionListener listener) {
        this.listener = listener;
    }

    @Override
    public synchronized Uni<CachedAnswer> get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return Uni.createFrom().nullItem();
        }
        if (e.expiresAtMillis <= clock.getAsLong()) {
            entries.remove(key);
            listener.evicted(key);
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(e.answer);
    }

    @Override
    public Uni<Void> put(CachedAnswer answer, Duration ttl, int maxEntries) {
        List<String> evicted = new ArrayList<>();
        synchronized (this) {
            entries.remove(answer.key()); // re-insert: a fresh answer is the newest
            entries.put(answer.key(), new Entry(answer, clock.getAsLong() + ttl.toMillis()));
            Iterator<String> oldest = entries.keySet().iterator();
            while (entries.size() > maxEntries && oldest.hasNext()) {
                evicted.add(oldest.next());
                oldest.remove();
            }
        }
        evicted.forEach(listener::evicted);
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Multi<CachedAnswer> all() {
        long now = clock.getAsLong();
        return Multi.createFrom().iterable(entries.values().stream().filter(e -> e.expiresAtMillis > now)
                .map(Entry::answer).toList());
    }

    @Override
    public Uni<List<String>> sweepOlderThan(long cutoffMillis) {
        List<String> expired = new ArrayList<>();
        synchronized (this) {
            long now = clock.getAsLong();
            entries.entrySet().removeIf(e -> {
                boolean gone = e.getValue().expiresAtMillis <= now;
                if (gone) {
                    expired.add(e.getKey());
                }
                return gone;
            });
        }
        return Uni.createFrom().item(expired);
    }

    @Override
    public synchronized Uni<Boolean> attachVector(CachedAnswer withVector) {
        Entry e = entries.get(withVector.key());
        if (e == null || e.expiresAtMillis <= clock.getAsLong()) {
            return Uni.createFrom().item(false);
        }
        entries.put(withVector.key(), new Entry(withVector, e.expiresAtMillis)); // same place in the age order
        return Uni.createFrom().item(true);
    }

    @Override
    public synchronized Uni<Void> clear() {
        entries.clear();
        return Uni.createFrom().voidItem();
    }

    @Override
    public String description() {
        return "in-process store (no quarkus.redis.hosts)";
    }
}
