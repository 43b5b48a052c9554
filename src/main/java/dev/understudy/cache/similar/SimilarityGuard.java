package dev.understudy.cache.similar;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Says whether an earlier question's answer may serve a new question that an embedding finds
 * close. Embeddings score "convert 5 miles to km" and "convert 5 km to miles" as near twins; the
 * guard refuses a pair when the words in which they differ are numbers, units, names (places,
 * languages, products, acronyms, code identifiers) or opposites, when one is negated and the
 * other is not, when they ask different question words (who / when / where / why), and when the
 * same numbers, units or names come in a different order ("from Paris to London" against "from
 * London to Paris"), and when the whole difference is one content word swapped for an unrelated
 * one ("sort a dictionary by value" / "by key"). Case, punctuation, spacing and stop words do
 * not matter.
 *
 * <p>A refusal costs a cached answer that could have served (the caller then gets the next last
 * resort); a wrong acceptance serves a wrong answer labelled as cached. The guard is built to err
 * on the side of refusing.
 */
public final class SimilarityGuard {

    private SimilarityGuard() {
    }

    /** True when nothing in the two texts says their answers differ. */
    public static boolean compatible(String query, String candidate) {
        return refusal(query, candidate).isEmpty();
    }

    /** Why {@code candidate}'s answer must not serve {@code query}; empty when it may. */
    public static Optional<String> refusal(String query, String candidate) {
        return refusal(QuestionParts.of(query), QuestionParts.of(candidate));
    }

    /** As {@link #refusal(String, String)}, on texts taken apart once (the index keeps them so). */
    static Optional<String> refusal(QuestionParts q, QuestionParts c) {
        if (!q.numbers.equals(c.numbers)) {
            return Optional.of("different numbers " + q.numbers + " / " + c.numbers);
        }
        if (!q.units.equals(c.units)) {
            return Optional.of("different units " + q.units + " / " + c.units);
        }
        Set<String> names = new HashSet<>(q.nameLike);
        names.addAll(c.nameLike);
        Set<String> differing = symmetricDifference(q.content, c.content);
        differing.retainAll(names);
        if (!differing.isEmpty()) {
            return Optional.of("different names " + differing);
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
        List<String> qAnchors = anchors(q, names);
        List<String> cAnchors = anchors(c, names);
        if (!qAnchors.equals(cAnchors)) {
            return Optional.of("different order " + qAnchors + " / " + cAnchors);
        }
        Optional<String> swap = loneSwap(q.content, c.content);
        if (swap.isPresent()) {
            return swap;
        }
        if (q.directional && c.directional && new HashSet<>(q.content).equals(new HashSet<>(c.content))
                && !q.content.equals(c.content)) {
            return Optional.of("same words in another direction " + q.content + " / " + c.content);
        }
        return Optional.empty();
    }

    private static Set<String> symmetricDifference(List<String> a, List<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        out.removeAll(both);
        return out;
    }

    /**
     * "sort a dictionary by value" / "by key", "reset my password" / "my username": when the whole
     * difference is one content word swapped for another, the embedding mostly sees the shared
     * context and scores the pair as near twins, yet the swapped word is what the question asks
     * about. Refused unless the two words are forms of one word (paint-er / paint-ed, dict-ionary).
     */
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

    private static boolean sameRoot(String a, String b) {
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
            anchors.addAll(new LinkedHashSet<>(looseUnits));
        }
        return anchors;
    }
}
