package dev.understudy.cache;

import dev.understudy.cache.similar.LocalSimilarAnswers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The similar-answers side of the cache: the in-process embedding model, loaded on a thread of its own
 * once the gateway listens ({@link #begin}), so that it never delays readiness nor competes with the
 * rest of start-up for the CPU (about a second of it); until it is loaded — or when it cannot run
 * here — the similar lookup is off and the exact cache answers alone.
 */
final class SimilarAnswersFactory {

    private static final Logger LOG = Logger.getLogger(SimilarAnswersFactory.class);

    private SimilarAnswersFactory() {
    }

    /**
     * The shipped model, off ("still loading") until {@link #begin} has loaded it.
     *
     * @param onLoaded runs once the model is ready (to index the answers already stored)
     */
    static SimilarAnswers create(Runnable onLoaded) {
        return create(LocalSimilarAnswers::start, onLoaded);
    }

    /** {@code loader} runs on a thread of its own at {@link #begin}. */
    static SimilarAnswers create(Supplier<SimilarAnswers> loader, Runnable onLoaded) {
        return new Loading(loader, onLoaded);
    }

    /** Starts loading in the background (once; later calls do nothing). */
    static void begin(SimilarAnswers similar) {
        if (similar instanceof Loading loading && loading.begun.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("understudy-embedding-load").start(loading::load);
        }
    }

    /**
     * Waits (at most {@code max}) for a background load still in native code: a JVM that exits meanwhile
     * tears down the runtime's globals under it and crashes (SIGSEGV in {@code OrtSession.createSession}).
     * Returns at once when no load was begun.
     */
    static void awaitLoad(SimilarAnswers similar, Duration max) {
        if (similar instanceof Loading loading && loading.begun.get()) {
            try {
                loading.done.await(max.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Delegates to the loaded model; off ("loading") until then. */
    private static final class Loading implements SimilarAnswers {
        private volatile SimilarAnswers delegate = SimilarAnswers.off("the embedding model is still loading");
        private final Supplier<SimilarAnswers> loader;
        private final Runnable onLoaded;
        private final AtomicBoolean begun = new AtomicBoolean();
        private final CountDownLatch done = new CountDownLatch(1);

        Loading(Supplier<SimilarAnswers> loader, Runnable onLoaded) {
            this.loader = loader;
            this.onLoaded = onLoaded;
        }

        void load() {
            try {
                SimilarAnswers loaded = loader.get();
                delegate = loaded;
                if (loaded.available()) {
                    onLoaded.run();
                }
                LOG.infof("similar-cache lookup: %s", loaded.available() ? "on (" + loaded.description() + ")"
                        : "off: " + loaded.description() + "; exact cache still works");
            } catch (Throwable t) { // e.g. a native image without the runtime's libraries
                delegate = SimilarAnswers.off(String.valueOf(t));
                LOG.warnf("similar-cache lookup off: %s; exact cache still works", t);
            } finally {
                done.countDown();
            }
        }

        @Override
        public boolean available() {
            return delegate.available();
        }

        @Override
        public String description() {
            return delegate.description();
        }

        @Override
        public boolean pending() {
            return done.getCount() > 0;
        }

        @Override
        public float[] embed(String question) {
            return delegate.embed(question);
        }

        @Override
        public void index(String scope, String key, String question, float[] vector) {
            delegate.index(scope, key, question, vector);
        }

        @Override
        public void forget(String key) {
            delegate.forget(key);
        }

        @Override
        public Optional<Match> nearest(String scope, String question, float[] vector, double threshold) {
            return delegate.nearest(scope, question, vector, threshold);
        }

        @Override
        public void clear() {
            delegate.clear();
        }
    }
}
