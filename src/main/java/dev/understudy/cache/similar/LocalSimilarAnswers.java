package dev.understudy.cache.similar;

import dev.understudy.cache.SimilarAnswers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The emergency cache's similar lookup on this machine alone: a local {@link Embedder} and a
 * {@link SimilarityIndex}. No provider is involved, so it works while every provider is down.
 * Questions of up to {@link OnnxEmbedder#MAX_CHARS} characters take part; longer ones are left to
 * the exact lookup.
 *
 * <p>The same question asked again is neither embedded nor indexed again: every answer is stored, so a
 * question asked a thousand times a second would otherwise keep the embedding thread busy (a few ms of CPU
 * each) re-computing one vector and re-writing one index row. The last {@link #RECENT} questions' vectors
 * are kept (about 1.5 KB each); a small access-ordered map is enough here, so no cache library.
 */
public final class LocalSimilarAnswers implements SimilarAnswers {

    /** Questions whose vectors are kept for a repeat. */
    static final int RECENT = 256;

    private final Embedder embedder;
    private final SimilarityIndex index = new SimilarityIndex();
    private final Map<String, float[]> recent = new LinkedHashMap<>(RECENT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > RECENT;
        }
    };

    public LocalSimilarAnswers(Embedder embedder) {
        this.embedder = embedder;
    }

    /**
     * The shipped model, loaded now (about a second; call it at start-up, off the event loop), or
     * an implementation that is off and says why when the model cannot run here.
     */
    public static SimilarAnswers start() {
        Embedder embedder = new OnnxEmbedder();
        return embedder.available() ? new LocalSimilarAnswers(embedder) : SimilarAnswers.off(embedder.description());
    }

    @Override
    public boolean available() {
        return embedder.available();
    }

    @Override
    public String description() {
        return embedder.description();
    }

    /**
     * The question's embedding, or null when it is longer than {@link OnnxEmbedder#MAX_CHARS}:
     * two long prompts that share their first 300 characters would embed alike whatever they ask
     * at the end, so a long question is only ever looked up exactly.
     */
    @Override
    public float[] embed(String question) {
        if (question == null || question.strip().length() > OnnxEmbedder.MAX_CHARS) {
            return null;
        }
        float[] known;
        synchronized (recent) {
            known = recent.get(question);
        }
        if (known != null) {
            return known.clone();
        }
        float[] v = embedder.embed(question);
        synchronized (recent) {
            recent.put(question, v.clone());
        }
        return v;
    }

    @Override
    public float[] known(String question) {
        float[] v;
        synchronized (recent) {
            v = recent.get(question);
        }
        return v == null ? null : v.clone();
    }

    /** A key already held is not put again: its key is the fingerprint of the same question. */
    @Override
    public void index(String scope, String key, String question, float[] vector) {
        if (vector != null && vector.length > 0 && !index.contains(scope, key)) {
            index.put(scope, key, question, vector);
        }
    }

    @Override
    public void forget(String key) {
        index.removeEverywhere(key);
    }

    @Override
    public Optional<Match> nearest(String scope, String question, float[] vector, double threshold) {
        if (!embedder.available() || vector == null) {
            return Optional.empty();
        }
        return index.nearest(scope, question, vector, threshold)
                .map(m -> new Match(m.key(), m.similarity()));
    }

    @Override
    public void clear() {
        index.clear();
        synchronized (recent) {
            recent.clear();
        }
    }

    /** Entries held for {@code scope}. */
    public int size(String scope) {
        return index.size(scope);
    }
}
