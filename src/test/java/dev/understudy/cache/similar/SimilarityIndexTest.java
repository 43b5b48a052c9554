package dev.understudy.cache.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The index on hand-made vectors: what it returns, never how fast (see SimilarityBenchmark). */
class SimilarityIndexTest {

    private final SimilarityIndex index = new SimilarityIndex();

    /** A unit vector at {@code cos} to the first axis, turned towards axis {@code other}. */
    static float[] at(double cos, int other) {
        float[] v = new float[8];
        v[0] = (float) cos;
        v[other] = (float) Math.sqrt(1 - cos * cos);
        return v;
    }

    static final float[] QUERY = at(1, 1);

    @Test
    void returnsTheMostSimilarEntryAtOrAboveTheThreshold() {
        index.put("r", "far", "how do I reset my password", at(0.5, 1));
        index.put("r", "near", "how do I reset my password please", at(0.95, 2));
        index.put("r", "nearer", "reset my password", at(0.97, 3));

        assertThat(index.nearest("r", "How do I reset my password?", QUERY, 0.9))
                .hasValueSatisfying(m -> {
                    assertThat(m.key()).isEqualTo("nearer");
                    assertThat(m.similarity()).isCloseTo(0.97, org.assertj.core.data.Offset.offset(1e-5));
                });
        assertThat(index.nearest("r", "How do I reset my password?", QUERY, 0.98)).isEmpty();
    }

    @Test
    void skipsABetterScoringCandidateThatTheGuardRefuses() {
        index.put("r", "km-to-miles", "convert 5 km to miles", at(0.99, 1));
        index.put("r", "miles-to-km", "how many kilometers is 5 miles", at(0.93, 2));

        assertThat(index.nearest("r", "convert 5 miles to km", QUERY, 0.9)).get()
                .extracting(SimilarityIndex.Match::key).isEqualTo("miles-to-km");
        index.remove("r", "miles-to-km");
        assertThat(index.nearest("r", "convert 5 miles to km", QUERY, 0.9)).isEmpty();
    }

    @Test
    void neverAnswersFromAnotherScope() {
        index.put("support|tenant-a", "k", "reset my password", at(0.99, 1));

        assertThat(index.nearest("support|tenant-b", "reset my password", QUERY, 0.5)).isEmpty();
        assertThat(index.nearest("search|tenant-a", "reset my password", QUERY, 0.5)).isEmpty();
        assertThat(index.size("support|tenant-a")).isEqualTo(1);
        assertThat(index.size("support|tenant-b")).isZero();
    }

    @Test
    void replacesAnEntryPutTwiceAndForgetsRemovedOnes() {
        index.put("r", "a", "reset my password", at(0.2, 1));
        index.put("r", "a", "reset my password", at(0.99, 1));
        index.put("r", "b", "reset my password", at(0.3, 2));
        index.put("r", "c", "reset my password", at(0.4, 3));
        assertThat(index.size("r")).isEqualTo(3);
        assertThat(index.nearest("r", "reset my password", QUERY, 0.9)).get()
                .extracting(SimilarityIndex.Match::key).isEqualTo("a");

        assertThat(index.remove("r", "a")).isTrue();
        assertThat(index.remove("r", "a")).isFalse();
        index.removeEverywhere("c");
        assertThat(index.size("r")).isEqualTo(1);
        assertThat(index.nearest("r", "reset my password", QUERY, 0.0)).get()
                .extracting(SimilarityIndex.Match::key).isEqualTo("b");
        index.clear();
        assertThat(index.size("r")).isZero();
    }

    @Test
    void normalisesVectorsAndRefusesOnesOfAnotherDimension() {
        index.put("r", "long", "reset my password", new float[] {10, 0, 0, 0, 0, 0, 0, 0});
        assertThat(index.nearest("r", "reset my password", new float[] {3, 0, 0, 0, 0, 0, 0, 0}, 0.999)).isPresent();
        assertThatThrownBy(() -> index.put("r", "short", "x", new float[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(index.nearest("r", "reset my password", new float[] {1, 0}, 0.0)).isEmpty();
    }

    @Test
    void findsTheOneCloseEntryAmongTenThousandRandomOnes() {
        Random random = new Random(7);
        int dim = 384;
        for (int i = 0; i < 10_000; i++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) random.nextGaussian();
            }
            index.put("r", "noise-" + i, "question " + i, v);
        }
        float[] query = new float[dim];
        query[5] = 1;
        float[] close = new float[dim];
        close[5] = 0.95f;
        close[6] = 0.31f;
        index.put("r", "close", "how do I reset my password", close);

        assertThat(index.nearest("r", "how do I reset my password", query, 0.9)).get()
                .extracting(SimilarityIndex.Match::key).isEqualTo("close");
        assertThat(index.size("r")).isEqualTo(10_001);
    }

    @Test
    void staysConsistentUnderConcurrentWritesAndLookups() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        String key = thread + "-" + i;
                        index.put("r", key, "reset my password", at(0.5 + (i % 40) / 100.0, 1 + i % 7));
                        assertThat(index.nearest("r", "reset my password", QUERY, 0.0)).isPresent();
                        if (i % 2 == 0) {
                            index.remove("r", key);
                        }
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(index.size("r")).isEqualTo(4_000);
    }
}
