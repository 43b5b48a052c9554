package dev.understudy.cache.similar;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Says whether an earlier question's answer may serve a new question that an embedding finds
 * close. Embeddings score "convert 5 miles to km" and "convert 5 km to miles" as near twins, so
 * the guard reads the two texts for what makes answers differ, in two kinds.
 *
 * <p>Hard differences refuse at any cosine: other numbers, ranks or units; names swapped for other
 * names (places, languages, products, acronyms, code identifiers), or a well-known one added; one negated and the other not;
 * opposites (enable / disable, all / one, next / last); other question words (who / when / where
 * / why, where a sentence starts); the same numbers, units or names in another order ("from Paris
 * to London" / "from London to Paris", "how many grams in a kilogram" / "kilograms in a gram");
 * one sentence frame with a slot filled differently or a direction word changed ({@link Frame});
 * the same context sentence followed by another question.
 *
 * <p>Soft differences may be a rewording or a near miss, so the cosine must clear the threshold
 * by {@link #SOFT_MARGIN}: one content word swapped in a question worded otherwise differently, a
 * name on one side only, words added to an unchanged question. Case, punctuation, spacing, articles
 * and stop words do not matter; names spelled out ("GDP" / "gross domestic product") or in a
 * longer form ("Postgres" / "PostgreSQL") are the same name.
 *
 * <p>A refusal costs a cached answer that could have served (the caller then gets the next last
 * resort); a wrong acceptance serves a wrong answer labelled as cached. The guard is built to err
 * on the side of refusing.
 */
public final class SimilarityGuard {

    /** How far above the lookup threshold a pair with a soft difference must score. */
    static final double SOFT_MARGIN = 0.05;

    private SimilarityGuard() {
    }

    /** True when no hard difference says their answers differ. */
    public static boolean compatible(String query, String candidate) {
        return refusal(query, candidate).isEmpty();
    }

    /** The hard difference for which {@code candidate}'s answer must not serve {@code query}; empty when none. */
    public static Optional<String> refusal(String query, String candidate) {
        // at a cosine of 1 only the hard differences refuse
        return refusal(QuestionParts.of(query), QuestionParts.of(candidate));
    }

    /**
     * Why {@code candidate}'s answer must not serve {@code query} when an embedding scores the pair
     * {@code cosine} against a lookup threshold of {@code threshold}; empty when it may. A hard
     * difference refuses at any cosine; a soft one (see {@link #softDifference}) needs the cosine
     * to clear the threshold by {@link #SOFT_MARGIN}.
     */
    public static Optional<String> refusal(String query, String candidate, double cosine, double threshold) {
        return refusal(QuestionParts.of(query), QuestionParts.of(candidate), cosine, threshold);
    }

    static Optional<String> refusal(QuestionParts q, QuestionParts c, double cosine, double threshold) {
        Optional<String> hard = refusal(q, c);
        if (hard.isPresent()) {
            return hard;
        }
        Optional<String> soft = softDifference(q, c);
        if (soft.isPresent() && cosine < threshold + SOFT_MARGIN) {
            return Optional.of(soft.get() + ", at cosine " + String.format("%.3f", cosine) + " below "
                    + String.format("%.3f", threshold + SOFT_MARGIN));
        }
        return Optional.empty();
    }

    /** The hard differences alone: those that refuse at any cosine. */
    static Optional<String> refusal(QuestionParts q, QuestionParts c) {
        if (!q.numbers.equals(c.numbers)) {
            return Optional.of("different numbers " + q.numbers + " / " + c.numbers);
        }
        if (!q.units.equals(c.units)) {
            return Optional.of("different units " + q.units + " / " + c.units);
        }
        Set<String> names = new HashSet<>(q.nameLike);
        names.addAll(c.nameLike);
        List<String> onlyQ = Names.unexplained(q, c);
        List<String> onlyC = Names.unexplained(c, q);
        if (!onlyQ.isEmpty() && !onlyC.isEmpty()) {
            return Optional.of("different names " + onlyQ + " / " + onlyC);
        }
        List<String> known = Names.known(onlyQ.isEmpty() ? onlyC : onlyQ);
        if (!known.isEmpty()) {
            // "What is the capital of France? And Germany?": a place, language or tool added asks more
            return Optional.of("a known name on one side only " + known);
        }
        if (q.negated != c.negated) {
            return Optional.of("one is negated");
        }
        Optional<String> opposite = opposites(q, c);
        if (opposite.isPresent()) {
            return opposite;
        }
        if (!q.questionWords.isEmpty() && !c.questionWords.isEmpty() && !q.questionWords.equals(c.questionWords)) {
            return Optional.of("different question words " + q.questionWords + " / " + c.questionWords);
        }
        // names keep their order only where a word gives the question a direction ("from Paris to
        // London"); "between the Earth and the Moon" is "from the Moon to the Earth"
        Set<String> ordered = new HashSet<>();
        if (q.directional && c.directional) {
            ordered.addAll(names);
            ordered.retainAll(q.content);
            ordered.retainAll(c.content);
        }
        List<String> qAnchors = anchors(q, ordered);
        List<String> cAnchors = anchors(c, ordered);
        if (!qAnchors.equals(cAnchors)) {
            return Optional.of("different order " + qAnchors + " / " + cAnchors);
        }
        if (q.directional && c.directional && new HashSet<>(q.content).equals(new HashSet<>(c.content))
                && !q.content.equals(c.content)) {
            return Optional.of("same words in another direction " + q.content + " / " + c.content);
        }
        return Frame.slotSwap(q, c).or(() -> Frame.sameContextOtherQuestion(q, c));
    }

    /**
     * Differences that may be a rewording or a near miss, so the cosine must say which: a name on
     * one side only ("tallest building in the world" / "in Europe", "on Earth"), and one content
     * word swapped for another in a question worded otherwise differently ("How do I update my
     * billing address?" / "How can I change my billing address?"; the same swap in an unchanged
     * sentence is {@link Frame#slotSwap}, a hard refusal).
     */
    static Optional<String> softDifference(QuestionParts q, QuestionParts c) {
        List<String> onlyQ = Names.unexplained(q, c);
        List<String> onlyC = Names.unexplained(c, q);
        if (!onlyQ.isEmpty() || !onlyC.isEmpty()) {
            return Optional.of("a name on one side only " + onlyQ + " / " + onlyC);
        }
        Optional<String> swap = loneSwap(q.content, c.content);
        if (swap.isPresent()) {
            return swap;
        }
        return Frame.insertion(q, c);
    }

    private static Optional<String> loneSwap(List<String> q, List<String> c) {
        List<String> onlyQ = new ArrayList<>(q);
        onlyQ.removeAll(c);
        List<String> onlyC = new ArrayList<>(c);
        onlyC.removeAll(q);
        if (onlyQ.size() != 1 || onlyC.size() != 1 || sameRoot(onlyQ.get(0), onlyC.get(0))) {
            return Optional.empty();
        }
        return Optional.of("one word swapped " + onlyQ.get(0) + " / " + onlyC.get(0));
    }

    static boolean sameRoot(String a, String b) {
        int common = 0;
        while (common < Math.min(a.length(), b.length()) && a.charAt(common) == b.charAt(common)) {
            common++;
        }
        return common >= 4 || (common >= 3 && common == Math.min(a.length(), b.length()));
    }

    private static Optional<String> opposites(QuestionParts q, QuestionParts c) {
        for (Set<String>[] pair : GuardWords.OPPOSITES) {
            boolean qOne = hasAny(q.vocabulary, pair[0]);
            boolean qOther = hasAny(q.vocabulary, pair[1]);
            boolean cOne = hasAny(c.vocabulary, pair[0]);
            boolean cOther = hasAny(c.vocabulary, pair[1]);
            if ((qOne && !qOther && cOther && !cOne) || (qOther && !qOne && cOne && !cOther)) {
                return Optional.of("opposites " + pair[0] + " / " + pair[1]);
            }
        }
        return Optional.empty();
    }

    private static boolean hasAny(Set<String> words, Set<String> wanted) {
        for (String w : wanted) {
            if (words.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What must come in the same order: names and numbers (a number with the unit right after it,
     * or a currency symbol right before it, is one anchor: "5 mile"). Units that stand alone are a
     * set when an anchored quantity says which way the conversion goes ("how many km is 5 miles"
     * is "5 miles to km"), and a sequence when nothing else does ("km to miles").
     */
    static List<String> anchors(QuestionParts p, Set<String> names) {
        List<String> out = new ArrayList<>();
        List<String> looseUnits = new ArrayList<>();
        String target = null;
        boolean quantity = false;
        List<QuestionParts.Word> words = p.words;
        for (int i = 0; i < words.size(); i++) {
            QuestionParts.Word w = words.get(i);
            QuestionParts.Word next = i + 1 < words.size() ? words.get(i + 1) : null;
            switch (w.kind()) {
                case NUMBER -> {
                    if (next != null && next.kind() == QuestionParts.Kind.UNIT) {
                        out.add(w.norm() + " " + next.norm());
                        i++;
                    } else {
                        out.add(w.norm());
                    }
                    quantity = true;
                }
                case UNIT -> {
                    if (next != null && next.kind() == QuestionParts.Kind.NUMBER && !w.bound()) {
                        looseUnits.add(w.norm());
                    } else if (next != null && next.kind() == QuestionParts.Kind.NUMBER) {
                        out.add(next.norm() + " " + w.norm()); // $20
                        quantity = true;
                        i++;
                    } else {
                        looseUnits.add(w.norm());
                        if (target == null && counted(words, i)) {
                            target = w.norm();
                        }
                    }
                }
                case WORD -> {
                    if (names.contains(w.norm())) {
                        out.add(w.norm());
                    }
                }
                default -> { }
            }
        }
        List<String> anchors = new ArrayList<>(new LinkedHashSet<>(out));
        if (!quantity) {
            List<String> units = new ArrayList<>(new LinkedHashSet<>(looseUnits));
            if (target != null && units.remove(target)) {
                units.add(target); // "how many grams in a kilogram" is "kilograms to grams"
            }
            anchors.addAll(units);
        }
        return anchors;
    }

    /** "how many [square] feet", "how much ml", "number of KB": the unit counted is the one asked for. */
    private static boolean counted(List<QuestionParts.Word> words, int at) {
        for (int back = 1; back <= 2 && at - back >= 0; back++) {
            String raw = words.get(at - back).raw().toLowerCase(java.util.Locale.ROOT);
            if (raw.equals("many") || raw.equals("much")
                    || raw.equals("of") && at - back - 1 >= 0
                    && words.get(at - back - 1).raw().equalsIgnoreCase("number")) {
                return true;
            }
            if (words.get(at - back).kind() != QuestionParts.Kind.WORD) {
                return false;
            }
        }
        return false;
    }
}
