package dev.understudy.cache;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Hands answers from the request path to one writer thread, in batches. The request path only adds to a
 * queue (no thread hop, no wake-up); the first answer of a batch schedules one drain {@link #BATCH_MILLIS}
 * later, which works off everything queued by then. Under load that is one wake-up per batch instead of
 * one per answer, and never more than one thread's worth of CPU. At most {@link #LIMIT} answers wait: beyond
 * that (a writer that cannot keep up) an answer is not stored, which costs the cache a refresh, never a
 * request.
 *
 * @param <T> what is written
 */
final class AnswerWriter<T> {

    private static final Logger LOG = Logger.getLogger(AnswerWriter.class);
    static final long BATCH_MILLIS = 10;
    static final int LIMIT = 4096;

    private static final ScheduledExecutorService THREAD = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("understudy-cache-writer").factory());

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Consumer<T> write;
    private final Runnable dropped;

    /**
     * @param write   called on the writer thread, once per answer, in the order added
     * @param dropped told (on the caller's thread) when an answer is left out because the queue is full
     */
    AnswerWriter(Consumer<T> write, Runnable dropped) {
        this.write = write;
        this.dropped = dropped;
    }

    /** Queues one answer; never blocks. */
    void add(T item) {
        if (size.incrementAndGet() > LIMIT) {
            size.decrementAndGet();
            dropped.run();
            return;
        }
        queue.add(item);
        if (scheduled.compareAndSet(false, true)) {
            THREAD.schedule(this::drain, BATCH_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Drops the answers waiting now (the cache is being cleared: they belong to before), then runs {@code task}
     * on the writer thread, once the one answer it may be writing is through.
     */
    java.util.concurrent.CompletableFuture<Void> discardThen(Runnable task) {
        while (queue.poll() != null) {
            size.decrementAndGet();
        }
        return java.util.concurrent.CompletableFuture.runAsync(task, THREAD);
    }

    /** Answers waiting to be written. */
    int waiting() {
        return size.get();
    }

    private void drain() {
        scheduled.set(false); // an answer added from here on schedules the next batch
        for (T item; (item = queue.poll()) != null;) {
            size.decrementAndGet();
            try {
                write.accept(item);
            } catch (RuntimeException e) {
                LOG.debugf("an answer could not be written to the emergency cache: %s", e.toString());
            }
        }
    }
}
