package dev.understudy.cache;

import java.util.Optional;

/**
 * The similar-question side of the cache: an embedder plus a per-scope vector index. Off when no
 * embedding runtime is available (then only exact hits are served).
 */
public interface SimilarAnswers {

    record Match(String key, double similarity) {
    }

    boolean available();

    /** Not available yet, but may be soon (the model is still loading): answers stored now are embedded later. */
    default boolean pending() {
        return false;
    }

    /** What it runs on, or why it is off. */
    String description();

    /** The question's embedding; call off the event loop (a few ms of CPU). */
    float[] embed(String question);

    /** The question's embedding if it is at hand without computing it (asked lately), else null. */
    default float[] known(String question) {
        return null;
    }

    void index(String scope, String key, String question, float[] vector);

    /** Forgets an evicted entry, whatever its scope. */
    void forget(String key);

    /** The best entry of {@code scope} at or above {@code threshold} that the guard accepts. */
    Optional<Match> nearest(String scope, String question, float[] vector, double threshold);

    void clear();

    static SimilarAnswers off(String why) {
        return new SimilarAnswers() {
            @Override
            public boolean available() {
                return false;
            }

            @Override
            public String description() {
                return why;
            }

            @Override
            public float[] embed(String question) {
                return null;
            }

            @Override
            public void index(String scope, String key, String question, float[] vector) {
            }

            @Override
            public void forget(String key) {
            }

            @Override
            public Optional<Match> nearest(String scope, String question, float[] vector, double threshold) {
                return Optional.empty();
            }

            @Override
            public void clear() {
            }
        };
    }
}
