package dev.understudy.cache;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Every embedding the cache computes runs here, on one thread (so never more than one core, and never on
 * the request path). A fresh answer is embedded as it is stored; one that could not be — the model was still
 * loading, the queue was full under a burst, or it was found without a vector in the store at start-up —
 * joins the backlog, which the same thread works off one entry at a time between fresh answers: it reads the
 * entry, embeds its question, writes the vector back (keeping the entry's expiry) and hands it on to be
 * indexed and announced. So no cached answer stays exact-only for longer than the backlog takes.
 */
final class Backfill {

    private static final Logger LOG = Logger.getLogger(Backfill.class);
    private static final Duration STORE_WAIT = Duration.ofSeconds(2);

    /** One thread, 256 waiting at most: a bound on the CPU that embeddings may take. */
    private static final ExecutorService EMBEDDING = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(256), Thread.ofPlatform().daemon().name("understudy-embed").factory(),
            new ThreadPoolExecutor.AbortPolicy());

    private final CacheStore store;
    private final Supplier<SimilarAnswers> similar;
    private final Consumer<CachedAnswer> embedded;
    private final Set<String> backlog = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong done = new AtomicLong();

    /** @param embedded told of each entry given its vector (to index it and tell the other replicas) */
    Backfill(CacheStore store, Supplier<SimilarAnswers> similar, Consumer<CachedAnswer> embedded) {
        this.store = store;
        this.similar = similar;
        this.embedded = embedded;
    }

    /** Entries waiting for a vector. */
    int backlog() {
        return backlog.size();
    }

    /** Entries given a vector after they were stored. */
    long backfilled() {
        return done.get();
    }

    /** The answer with its question's vector, or as it is (then backlogged) when it cannot be embedded now. */
    Uni<CachedAnswer> withVector(CachedAnswer a) {
        if (a.question() == null || a.question().isEmpty()) {
            return Uni.createFrom().item(a);
        }
        SimilarAnswers s = similar.get();
        if (!s.available()) {
            if (s.pending()) {
                backlog.add(a.key()); // the model is still loading
            }
            return Uni.createFrom().item(a);
        }
        float[] known = s.known(a.question());
        if (known != null) {
            return Uni.createFrom().item(a.withVector(known)); // asked lately: no need to wait for the thread
        }
        return Uni.createFrom().item(() -> a.withVector(s.embed(a.question())))
                .runSubscriptionOn(EMBEDDING)
                .onFailure(RejectedExecutionException.class).recoverWithItem(() -> {
                    backlog.add(a.key()); // a burst beyond the queue: embedded later, not never
                    return a;
                });
    }

    /** Queues an entry found without a vector. */
    void add(String key) {
        backlog.add(key);
    }

    /** Works off the backlog if there is one and the model is loaded; a no-op while it already runs. */
    void drain() {
        SimilarAnswers s = similar.get();
        if (!s.available() && !s.pending()) {
            backlog.clear(); // the model could not load: exact lookups only, nothing left to wait for
            return;
        }
        if (backlog.isEmpty() || !s.available() || !draining.compareAndSet(false, true)) {
            return;
        }
        submitNext();
    }

    private void submitNext() {
        try {
            EMBEDDING.execute(this::one); // behind the fresh answers already waiting: they go first
        } catch (RejectedExecutionException e) {
            draining.set(false); // the queue is full of fresh answers; the next drain() resumes
        }
    }

    /** One backlogged entry, on the embedding thread (which may wait for the store: it is not an event loop). */
    private void one() {
        boolean more = false;
        try {
            Iterator<String> it = backlog.iterator();
            if (!it.hasNext()) {
                return;
            }
            String key = it.next();
            backlog.remove(key);
            try {
                embed(key);
                more = true;
            } catch (RuntimeException e) {
                backlog.add(key); // the store is slow or down: try again on a later drain()
                LOG.debugf("backfill of a cached answer postponed: %s", e.toString());
            }
        } finally {
            if (more && !backlog.isEmpty()) {
                submitNext();
            } else {
                draining.set(false);
            }
        }
    }

    private void embed(String key) {
        CachedAnswer a = store.get(key).await().atMost(STORE_WAIT);
        if (a == null || a.vector() != null || a.question() == null || a.question().isEmpty()) {
            return; // gone, or embedded meanwhile (by another replica)
        }
        float[] v = similar.get().embed(a.question());
        if (v == null) {
            return; // too long to be looked up by similarity: exact only, by design
        }
        CachedAnswer with = a.withVector(v);
        if (Boolean.TRUE.equals(store.attachVector(with).await().atMost(STORE_WAIT))) {
            done.incrementAndGet();
            embedded.accept(with);
        }
    }
}
