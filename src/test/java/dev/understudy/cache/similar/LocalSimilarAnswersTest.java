package dev.understudy.cache.similar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.cache.SimilarAnswers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every answer is stored, so a popular question reaches the lookup again and again: it is embedded once
 * and indexed once, not once per answer. A stand-in embedder counts the calls (the real model's output is
 * covered by EmbedderAvailabilityTest).
 */
class LocalSimilarAnswersTest {

    /** Embeds a text to a vector made of its length, and remembers every text it was asked for. */
    private static final class CountingEmbedder implements Embedder {
        final List<String> asked = new ArrayList<>();

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public String description() {
            return "counting stand-in";
        }

        @Override
        public synchronized float[] embed(String text) {
            asked.add(text);
            return Embedder.normalise(new float[] {text.length(), 1f, 0f});
        }
    }

    @Test
    void embedsARepeatedQuestionOnce() {
        CountingEmbedder embedder = new CountingEmbedder();
        LocalSimilarAnswers similar = new LocalSimilarAnswers(embedder);

        float[] first = similar.embed("How do I reset my password?");
        first[0] = 42f; // a caller changing its copy changes nothing for the next one
        float[] again = similar.embed("How do I reset my password?");
        similar.embed("How do I reset my username?");

        assertThat(embedder.asked).containsExactly("How do I reset my password?", "How do I reset my username?");
        assertThat(again).isEqualTo(Embedder.normalise(new float[] {27f, 1f, 0f}));
    }

    @Test
    void forgetsTheOldestQuestionsBeyondItsBound() {
        CountingEmbedder embedder = new CountingEmbedder();
        LocalSimilarAnswers similar = new LocalSimilarAnswers(embedder);
        for (int i = 0; i <= LocalSimilarAnswers.RECENT; i++) {
            similar.embed("question " + i);
        }
        similar.embed("question " + LocalSimilarAnswers.RECENT); // still kept
        similar.embed("question 0"); // the eldest: embedded again

        assertThat(embedder.asked).hasSize(LocalSimilarAnswers.RECENT + 2).endsWith("question 0");
    }

    @Test
    void indexesAStoredKeyOnceAndAgainAfterItWasForgotten() {
        LocalSimilarAnswers similar = new LocalSimilarAnswers(new CountingEmbedder());
        float[] v = similar.embed("How do I reset my password?");

        similar.index("support", "k1", "How do I reset my password?", v);
        similar.index("support", "k1", "How do I reset my password?", v);
        similar.index("other", "k1", "How do I reset my password?", v);
        assertThat(similar.size("support")).isEqualTo(1);
        assertThat(similar.size("other")).isEqualTo(1);
        assertThat(similar.nearest("support", "How do I reset my password?", v, 0.99))
                .get().extracting(SimilarAnswers.Match::key).isEqualTo("k1");

        similar.forget("k1");
        assertThat(similar.size("support")).isZero();
        similar.index("support", "k1", "How do I reset my password?", v);
        assertThat(similar.size("support")).isEqualTo(1);
    }
}
