package dev.understudy.cache.similar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Measures the similar lookup on the hand-labelled pairs and prints what it measured: precision (of
 * the answers served, how many were right) and recall (of the paraphrases, how many got the cached
 * answer). The guard and the threshold were tuned on {@code similarity/pairs.tsv}; the targets are
 * asserted on {@code similarity/held-out.tsv}, written after both were frozen and never tuned on.
 */
class SimilarityEvaluationTest {

    /** Classic near misses: a question, a true paraphrase of it, and a near miss. */
    record NearMiss(String query, String paraphrase, String nearMiss) {
    }

    static final List<NearMiss> CLASSIC_CASES = List.of(
            new NearMiss("convert 5 miles to km", "how many kilometers is 5 miles", "convert 5 km to miles"),
            new NearMiss("What is the capital of France?", "Which city is France's capital?",
                    "What is the capital of Germany?"));

    static final double[] AROUND = {0.78, 0.80, 0.82, 0.83, SimilarityIndex.RECOMMENDED_THRESHOLD, 0.85, 0.86, 0.88,
        0.89, 0.90};

    static LabelledPairs tuning;
    static LabelledPairs heldOut;
    static OnnxEmbedder shipped;
    static PairScores tuningScores;
    static PairScores heldOutScores;

    @BeforeAll
    static void scoreEveryPair() {
        tuning = LabelledPairs.load(LabelledPairs.TUNING);
        heldOut = LabelledPairs.load(LabelledPairs.HELD_OUT);
        shipped = new OnnxEmbedder();
        assertThat(shipped.available()).as(shipped.description()).isTrue();
        tuningScores = new PairScores(tuning, shipped::embed);
        heldOutScores = new PairScores(heldOut, shipped::embed);
    }

    @Test
    void theLabelledSetHasOverThreeHundredPairsInTwoSplitsThatShareNoQuestion() {
        assertThat(tuning.pairs().size() + heldOut.pairs().size()).isGreaterThanOrEqualTo(300);
        assertThat(heldOut.pairs()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(heldOut.same()).isGreaterThanOrEqualTo(50);
        assertThat(heldOut.different()).isGreaterThanOrEqualTo(50);
        assertThat(tuning.same()).isGreaterThanOrEqualTo(100);
        assertThat(tuning.different()).isGreaterThanOrEqualTo(100);
        Set<String> tuningTexts = new HashSet<>();
        tuning.pairs().forEach(p -> {
            tuningTexts.add(p.query().toLowerCase());
            tuningTexts.add(p.cached().toLowerCase());
        });
        assertThat(heldOut.pairs()).as("held-out questions never seen in tuning")
                .noneMatch(p -> tuningTexts.contains(p.query().toLowerCase())
                        || tuningTexts.contains(p.cached().toLowerCase()));
    }

    @Test
    void onTheHeldOutSplitTheShippedThresholdFindsFourParaphrasesInFiveAndServesAlmostNoNearMiss() {
        print(tuning, tuningScores);
        print(heldOut, heldOutScores);
        System.out.println("near misses of the tuning split the guard lets through (the cosine decides):");
        tuningScores.scored.stream().filter(s -> !s.pair().same() && s.hard().isEmpty() && s.soft().isEmpty())
                .sorted((a, b) -> Double.compare(b.cosine(), a.cosine())).limit(12)
                .forEach(s -> System.out.printf("  %.3f  %s | %s%n", s.cosine(), s.pair().query(), s.pair().cached()));

        PairScores.Quality held = heldOutScores.at(SimilarityIndex.RECOMMENDED_THRESHOLD);
        assertThat(held.precision()).as("held-out precision").isGreaterThanOrEqualTo(0.98);
        assertThat(held.recall()).as("held-out recall").isGreaterThanOrEqualTo(0.80);
        assertThat(heldOutScores.cosineOnlyAt(SimilarityIndex.RECOMMENDED_THRESHOLD).precision())
                .as("cosine alone is not enough").isLessThan(0.75);
    }

    /**
     * How the shipped threshold was chosen, on the tuning split only, on a grid of 0.02: the lowest
     * at which at most one answer in a hundred served is a near miss's.
     */
    @Test
    void theShippedThresholdIsTheLowestOnAGridOfTwoHundredthsAtWhichTheTuningSplitServesAtMostOneWrongAnswerInAHundred() {
        double t = SimilarityIndex.RECOMMENDED_THRESHOLD;
        assertThat(tuningScores.at(t).precision()).isGreaterThanOrEqualTo(0.99);
        assertThat(tuningScores.at(t - 0.02).precision()).isLessThan(0.99);
    }

    @Test
    void onTheClassicNearMissesLexicalVectorsPreferTheWrongQuestionAndCosinePlusGuardTheRightOne() {
        System.out.println("\nclassic near misses            lexical   cosine   guard");
        for (NearMiss c : CLASSIC_CASES) {
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
        PairScores miniLmScores = new PairScores(tuning, miniLm::embed);

        PairScores.Quality bge = tuningScores.bestRecallWithPrecision(0.99);
        PairScores.Quality mini = miniLmScores.bestRecallWithPrecision(0.99);
        System.out.printf("%nbest recall on the tuning split with precision >= 0.99 (cosine + guard):%n  %-22s %s%n"
                + "  %-22s %s%n", shipped.model().label(), bge.row(), miniLm.model().label(), mini.row());
        assertThat(bge.recall()).isGreaterThan(mini.recall());
    }

    private static void print(LabelledPairs pairs, PairScores scores) {
        System.out.printf("%n%s: %d labelled pairs (%d paraphrases, %d near misses), model %s%n", pairs.name(),
                pairs.pairs().size(), pairs.same(), pairs.different(), shipped.description());
        System.out.println("threshold  precision  recall   (cosine + guard)");
        for (double t : AROUND) {
            System.out.println(scores.at(t).row() + (t == SimilarityIndex.RECOMMENDED_THRESHOLD ? "  <- shipped" : ""));
        }
        System.out.println("threshold  precision  recall   (cosine alone, no guard)");
        for (double t : new double[] {SimilarityIndex.RECOMMENDED_THRESHOLD, 0.89, 0.95}) {
            System.out.println(scores.cosineOnlyAt(t).row());
        }
    }
}
