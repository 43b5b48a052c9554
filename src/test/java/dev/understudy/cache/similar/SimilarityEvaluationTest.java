package dev.understudy.cache.similar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Measures the similar lookup on the hand-labelled pairs of {@code similarity/pairs.tsv} and
 * prints what it measured: precision (of the answers served, how many were right) and recall (of
 * the paraphrases, how many got the cached answer) at the shipped threshold and around it.
 */
class SimilarityEvaluationTest {

    /** The issue's near misses: a question, a true paraphrase of it, and a near miss. */
    record NearMiss(String query, String paraphrase, String nearMiss) {
    }

    static final List<NearMiss> ISSUE_CASES = List.of(
            new NearMiss("convert 5 miles to km", "how many kilometers is 5 miles", "convert 5 km to miles"),
            new NearMiss("What is the capital of France?", "Which city is France's capital?",
                    "What is the capital of Germany?"));

    static LabelledPairs pairs;
    static OnnxEmbedder shipped;
    static PairScores scores;

    @BeforeAll
    static void scoreEveryPair() {
        pairs = LabelledPairs.load();
        shipped = new OnnxEmbedder();
        assertThat(shipped.available()).as(shipped.description()).isTrue();
        scores = new PairScores(pairs, shipped::embed);
    }

    @Test
    void theLabelledSetHasAtLeast120PairsOfBothKinds() {
        assertThat(pairs.pairs()).hasSizeGreaterThanOrEqualTo(120);
        assertThat(pairs.same()).isGreaterThanOrEqualTo(50);
        assertThat(pairs.different()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void cosinePlusGuardIsPreciseAndFindsMostParaphrasesAtTheShippedThreshold() {
        System.out.printf("%nsimilar lookup on %d labelled pairs (%d paraphrases, %d near misses), model %s%n",
                pairs.pairs().size(), pairs.same(), pairs.different(), shipped.description());
        System.out.println("threshold  precision  recall   (cosine + guard)");
        for (double t : new double[] {0.80, 0.85, 0.87, 0.88, SimilarityIndex.RECOMMENDED_THRESHOLD, 0.90, 0.92}) {
            System.out.println(scores.at(t).row() + (t == SimilarityIndex.RECOMMENDED_THRESHOLD ? "  <- shipped" : ""));
        }
        System.out.println("threshold  precision  recall   (cosine alone, no guard)");
        for (double t : new double[] {0.85, SimilarityIndex.RECOMMENDED_THRESHOLD, 0.95}) {
            System.out.println(scores.cosineOnlyAt(t).row());
        }
        System.out.println("near misses the guard lets through (cosine decides):");
        scores.scored.stream().filter(s -> !s.pair().same() && s.refusal().isEmpty())
                .sorted((a, b) -> Double.compare(b.cosine(), a.cosine()))
                .forEach(s -> System.out.printf("  %.3f  %s | %s%n", s.cosine(), s.pair().query(), s.pair().cached()));

        PairScores.Quality shippedQuality = scores.at(SimilarityIndex.RECOMMENDED_THRESHOLD);
        assertThat(shippedQuality.precision()).isGreaterThanOrEqualTo(0.98);
        assertThat(shippedQuality.recall()).isGreaterThanOrEqualTo(0.6);
        assertThat(scores.cosineOnlyAt(SimilarityIndex.RECOMMENDED_THRESHOLD).precision())
                .as("cosine alone is not enough").isLessThan(0.9);
    }

    @Test
    void onTheIssuesNearMissesLexicalVectorsPreferTheWrongQuestionAndCosinePlusGuardTheRightOne() {
        System.out.println("\nthe issue's near misses        lexical   cosine   guard");
        for (NearMiss c : ISSUE_CASES) {
            double lexicalParaphrase = LexicalVectors.cosine(c.query(), c.paraphrase());
            double lexicalNearMiss = LexicalVectors.cosine(c.query(), c.nearMiss());
            float[] q = shipped.embed(c.query());
            double cosParaphrase = LexicalVectors.dot(q, shipped.embed(c.paraphrase()));
            double cosNearMiss = LexicalVectors.dot(q, shipped.embed(c.nearMiss()));
            System.out.printf("  %s%n    paraphrase %-36s %.3f   %.3f   %s%n    near miss  %-36s %.3f   %.3f   %s%n",
                    c.query(), c.paraphrase(), lexicalParaphrase, cosParaphrase,
                    SimilarityGuard.refusal(c.query(), c.paraphrase()).orElse("accepts"),
                    c.nearMiss(), lexicalNearMiss, cosNearMiss,
                    SimilarityGuard.refusal(c.query(), c.nearMiss()).orElse("accepts"));

            assertThat(lexicalNearMiss).as("lexical prefers the near miss for " + c.query())
                    .isGreaterThan(lexicalParaphrase);

            SimilarityIndex index = new SimilarityIndex();
            index.put("route", "paraphrase", c.paraphrase(), shipped.embed(c.paraphrase()));
            index.put("route", "near-miss", c.nearMiss(), shipped.embed(c.nearMiss()));
            assertThat(index.nearest("route", c.query(), q, SimilarityIndex.RECOMMENDED_THRESHOLD))
                    .as("cosine + guard for " + c.query())
                    .hasValueSatisfying(m -> assertThat(m.key()).isEqualTo("paraphrase"));

            SimilarityIndex onlyTheNearMiss = new SimilarityIndex();
            onlyTheNearMiss.put("route", "near-miss", c.nearMiss(), shipped.embed(c.nearMiss()));
            assertThat(onlyTheNearMiss.nearest("route", c.query(), q, 0.0)).isEmpty();
        }
    }

    @Test
    void theShippedModelFindsMoreParaphrasesThanMiniLmAtTheSamePrecision() {
        OnnxEmbedder miniLm = new OnnxEmbedder(OnnxEmbedder.Model.ALL_MINILM_L6_V2_Q);
        assertThat(miniLm.available()).as(miniLm.description()).isTrue();
        PairScores miniLmScores = new PairScores(pairs, miniLm::embed);

        PairScores.Quality bge = scores.bestRecallWithPrecision(1.0);
        PairScores.Quality mini = miniLmScores.bestRecallWithPrecision(1.0);
        System.out.printf("%nbest recall with no near miss served (cosine + guard):%n  %-22s %s%n  %-22s %s%n",
                shipped.model().label(), bge.row(), miniLm.model().label(), mini.row());
        assertThat(bge.recall()).isGreaterThan(mini.recall());
    }
}
