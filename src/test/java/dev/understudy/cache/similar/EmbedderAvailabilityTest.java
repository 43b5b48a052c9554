package dev.understudy.cache.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.understudy.cache.SimilarAnswers;
import org.junit.jupiter.api.Test;

class EmbedderAvailabilityTest {

    @Test
    void aDisabledEmbedderMakesEveryLookupEmpty() {
        LocalSimilarAnswers similar = new LocalSimilarAnswers(Embedder.disabled("no embedding runtime in this build"));
        similar.index("r", "k", "reset my password", new float[] {1, 0, 0});

        assertThat(similar.available()).isFalse();
        assertThat(similar.description()).isEqualTo("no embedding runtime in this build");
        assertThat(similar.nearest("r", "reset my password", new float[] {1, 0, 0}, 0.0)).isEmpty();
        assertThatThrownBy(() -> similar.embed("reset my password"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("similar-cache lookup off");
    }

    @Test
    void aModelThatCannotLoadSwitchesTheLookupOffAndSaysWhy() {
        ClassLoader empty = new ClassLoader(null) {
        };
        OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedder.Model.BGE_SMALL_EN_V15_Q, empty);

        assertThat(embedder.available()).isFalse();
        assertThat(embedder.available()).isFalse();
        assertThat(embedder.description())
                .contains("cannot run the embedding model bge-small-en-v1.5-q")
                .contains("not on the class path");
        assertThatThrownBy(() -> embedder.embed("hello")).isInstanceOf(IllegalStateException.class);

        SimilarAnswers similar = new LocalSimilarAnswers(embedder);
        assertThat(similar.available()).isFalse();
        assertThat(similar.nearest("r", "hello", new float[384], 0.0)).isEmpty();
    }

    @Test
    void theShippedModelEmbedsToUnitVectorsAndServesAParaphrase() {
        SimilarAnswers similar = LocalSimilarAnswers.start();
        assertThat(similar.available()).as(similar.description()).isTrue();
        assertThat(similar.description()).contains("bge-small-en-v1.5-q");

        float[] v = similar.embed("How do I reset my password?");
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        assertThat(v).hasSize(384);
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));

        similar.index("support", "k1", "How do I reset my password?", v);
        similar.index("support", "k2", "How do I reset my username?", similar.embed("How do I reset my username?"));
        String asked = "I forgot my password. How can I reset it?";
        assertThat(similar.nearest("support", asked, similar.embed(asked), SimilarityIndex.RECOMMENDED_THRESHOLD))
                .get().extracting(SimilarAnswers.Match::key).isEqualTo("k1");
        String longQuestion = "Here is my stack trace, why does it fail? " + "at Foo.bar(Foo.java:12) ".repeat(30);
        assertThat(similar.embed(longQuestion)).as("too long to look up by similarity").isNull();
        assertThat(similar.nearest("support", longQuestion, null, 0.0)).isEmpty();
        similar.forget("k1");
        assertThat(similar.nearest("support", asked, similar.embed(asked), SimilarityIndex.RECOMMENDED_THRESHOLD))
                .isEmpty();
    }
}
