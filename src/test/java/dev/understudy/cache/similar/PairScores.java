package dev.understudy.cache.similar;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Every labelled pair scored once: cosine by a model, and the guard's verdicts. */
final class PairScores {

    /** {@code hard}: refused at any cosine; {@code soft}: refused unless the cosine clears the margin. */
    record Scored(LabelledPairs.Pair pair, double cosine, Optional<String> hard, Optional<String> soft) {

        /** As the index serves: the cosine at or above the threshold, and the guard accepting. */
        boolean served(double threshold) {
            return cosine >= threshold && hard.isEmpty()
                    && (soft.isEmpty() || cosine >= threshold + SimilarityGuard.SOFT_MARGIN);
        }
    }

    record Quality(double threshold, long servedSame, long servedDifferent, long same) {

        double precision() {
            long served = servedSame + servedDifferent;
            return served == 0 ? 1.0 : (double) servedSame / served;
        }

        double recall() {
            return (double) servedSame / same;
        }

        String row() {
            return String.format("%9.3f  %9.3f  %6.3f  %3d of %d paraphrases served, %d near misses served",
                    threshold, precision(), recall(), servedSame, same, servedDifferent);
        }
    }

    final List<Scored> scored = new ArrayList<>();

    PairScores(LabelledPairs pairs, Function<String, float[]> vectors) {
        for (LabelledPairs.Pair p : pairs.pairs()) {
            double cos = LexicalVectors.dot(vectors.apply(p.query()), vectors.apply(p.cached()));
            QuestionParts q = QuestionParts.of(p.query());
            QuestionParts c = QuestionParts.of(p.cached());
            scored.add(new Scored(p, cos, SimilarityGuard.refusal(q, c), SimilarityGuard.softDifference(q, c)));
        }
    }

    /** Cosine and guard together, as the index serves. */
    Quality at(double threshold) {
        long same = scored.stream().filter(s -> s.pair().same()).count();
        long servedSame = scored.stream().filter(s -> s.pair().same() && s.served(threshold)).count();
        long servedDifferent = scored.stream().filter(s -> !s.pair().same() && s.served(threshold)).count();
        return new Quality(threshold, servedSame, servedDifferent, same);
    }

    /** Cosine alone, without the guard. */
    Quality cosineOnlyAt(double threshold) {
        long same = scored.stream().filter(s -> s.pair().same()).count();
        long servedSame = scored.stream().filter(s -> s.pair().same() && s.cosine() >= threshold).count();
        long servedDifferent = scored.stream().filter(s -> !s.pair().same() && s.cosine() >= threshold).count();
        return new Quality(threshold, servedSame, servedDifferent, same);
    }

    /** The best recall any threshold reaches with a precision of at least {@code precision}. */
    Quality bestRecallWithPrecision(double precision) {
        Quality best = at(1.0);
        for (int t = 500; t <= 1000; t++) {
            Quality q = at(t / 1000.0);
            if (q.precision() >= precision && q.recall() > best.recall()) {
                best = q;
            }
        }
        return best;
    }
}
