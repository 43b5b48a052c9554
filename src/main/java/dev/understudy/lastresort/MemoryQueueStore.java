package dev.understudy.lastresort;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** In-process queue: survives nothing, serves a single replica (the embedded default). */
public final class MemoryQueueStore implements QueueStore {

    private final Map<String, QueuedRequest> items = new LinkedHashMap<>();
    private final Map<String, String> claims = new LinkedHashMap<>();

    @Override
    public synchronized Uni<Void> add(QueuedRequest request) {
        items.put(request.id(), request);
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<QueuedRequest> get(String id) {
        return Uni.createFrom().item(items.get(id));
    }

    @Override
    public synchronized Uni<List<String>> pending() {
        List<String> ids = new ArrayList<>();
        items.values().forEach(r -> {
            if ("queued".equals(r.status())) {
                ids.add(r.id());
            }
        });
        return Uni.createFrom().item(ids);
    }

    @Override
    public synchronized Uni<Boolean> claim(String id, String owner, Duration lease) {
        return Uni.createFrom().item(claims.putIfAbsent(id, owner) == null);
    }

    @Override
    public synchronized Uni<Void> release(String id, String owner) {
        claims.remove(id, owner);
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> finish(QueuedRequest finished, Duration keep) {
        items.put(finished.id(), finished);
        claims.remove(finished.id());
        if (items.size() > 10_000) { // finished results are kept, but not without bound
            items.values().removeIf(r -> !"queued".equals(r.status()) && items.size() > 10_000);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Long> depth() {
        return Uni.createFrom().item(items.values().stream().filter(r -> "queued".equals(r.status())).count());
    }
}
