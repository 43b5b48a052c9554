package dev.understudy.cache.similar;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Earlier questions' embeddings, per scope (route + tenant: an answer never crosses scopes), in
 * memory. {@link #nearest} scores every entry of the scope by cosine (a dot product: vectors are
 * stored normalised), keeps the few best at or above the threshold and returns the best one that
 * {@link SimilarityGuard} accepts (each entry's question is taken apart for the guard once, when
 * it is put). Thread-safe: lookups share a scope, writes take it alone.
 */
public final class SimilarityIndex {

    /**
     * The cosine threshold tuned on the labelled pairs' tuning split for the shipped model
     * (bge-small-en-v1.5, quantized) and the guard: the lowest, on a grid of 0.02, at which at most
     * one answer in a hundred served on that split was a near miss's. See {@code SimilarityEvaluationTest} and
     * docs/similar-cache-quality.md; {@code understudy.cache.similarity-threshold} defaults to it.
     */
    public static final double RECOMMENDED_THRESHOLD = 0.84;

    /** How many entries above the threshold are offered to the guard, best first. */
    static final int CANDIDATES = 5;

    /** An earlier question's key and its cosine similarity to the new question. */
    public record Match(String key, double similarity) {
    }

    private final ConcurrentHashMap<String, Shelf> shelves = new ConcurrentHashMap<>();

    /** Adds or replaces {@code key} in {@code scope}; {@code text} is the question, for the guard. */
    public void put(String scope, String key, String text, float[] vector) {
        if (vector == null || vector.length == 0) {
            throw new IllegalArgumentException("no vector for " + key);
        }
        float[] unit = Embedder.normalise(vector.clone());
        QuestionParts question = QuestionParts.of(text);
        shelves.computeIfAbsent(scope, s -> new Shelf()).put(key, question, unit);
    }

    /** Forgets {@code key} in {@code scope}; false when it was not there. */
    public boolean remove(String scope, String key) {
        Shelf shelf = shelves.get(scope);
        return shelf != null && shelf.remove(key);
    }

    /** Forgets {@code key} in whatever scope holds it (an evicted cache entry). */
    public void removeEverywhere(String key) {
        for (Shelf shelf : shelves.values()) {
            shelf.remove(key);
        }
    }

    /** Whether {@code scope} holds {@code key}. */
    public boolean contains(String scope, String key) {
        Shelf shelf = shelves.get(scope);
        return shelf != null && shelf.contains(key);
    }

    public int size(String scope) {
        Shelf shelf = shelves.get(scope);
        return shelf == null ? 0 : shelf.size();
    }

    public void clear() {
        shelves.clear();
    }

    /**
     * The most similar entry of {@code scope} whose cosine is at least {@code threshold} and that
     * the guard accepts for {@code queryText}; empty when there is none.
     */
    public Optional<Match> nearest(String scope, String queryText, float[] query, double threshold) {
        Shelf shelf = shelves.get(scope);
        if (shelf == null || query == null || query.length == 0) {
            return Optional.empty();
        }
        Shelf.Candidates found = shelf.best(Embedder.normalise(query.clone()), threshold, CANDIDATES);
        QuestionParts asked = found.count() > 0 ? QuestionParts.of(queryText) : null;
        for (int i = 0; i < found.count(); i++) {
            if (SimilarityGuard.refusal(asked, found.questions()[i], found.scores()[i], threshold).isEmpty()) {
                return Optional.of(new Match(found.keys()[i], found.scores()[i]));
            }
        }
        return Optional.empty();
    }
}
