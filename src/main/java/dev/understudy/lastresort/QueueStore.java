package dev.understudy.lastresort;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;

/**
 * Durable storage of queued requests. {@code claim} is what makes a request answered once even with
 * several replicas: only the claimant works on it, and only until it releases or the claim times out.
 */
public interface QueueStore {

    Uni<Void> add(QueuedRequest request);

    Uni<QueuedRequest> get(String id);

    /** Ids still waiting, oldest first. */
    Uni<List<String>> pending();

    /** Takes the exclusive right to work on {@code id} for {@code lease}; false if another holds it. */
    Uni<Boolean> claim(String id, String owner, Duration lease);

    Uni<Void> release(String id, String owner);

    /** Records a final state, removes it from the pending set, keeps it readable for {@code keep}. */
    Uni<Void> finish(QueuedRequest finished, Duration keep);

    Uni<Long> depth();
}
