package dev.understudy.cache.similar;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Two questions as one sentence frame with one slot filled differently: "How do I reset my
 * [password / username]?", "How do I change the [email address / phone number] on my account?".
 * When the frame around the slot is word for word the same and the slot keeps the question's form
 * (its question words and auxiliaries), the embedding sees mostly the shared frame and scores the
 * pair as near twins, yet the slot is what the question asks about. A rewording puts the question
 * another way as well ("How can I change my billing address?" for "How do I update my billing
 * address?"); a near miss typically does not. Articles never count ("center a div" / "center text").
 */
final class Frame {

    /** At most this many words in the slot: beyond that the questions differ throughout. */
    private static final int MAX_SLOT = 4;

    private static final Set<String> ARTICLES = Set.of("a", "an", "the");

    /** The words that say how a question is put: a rewording changes them, a near miss keeps them. */
    private static final Set<String> FORM = Set.of("how", "what", "what's", "whats", "which", "who", "whom",
            "whose", "when", "where", "why", "do", "does", "did", "can", "could", "should", "would", "will",
            "shall", "may", "might", "must", "is", "are", "was", "were", "am", "be", "been", "being", "have",
            "has", "had");

    /** One place where the two questions differ: the words of each side there. */
    private record Slot(List<QuestionParts.Word> a, List<QuestionParts.Word> b) {
    }

    private Frame() {
    }

    /** Why the two questions are one frame with a slot filled differently; empty when they are not. */
    static Optional<String> slotSwap(QuestionParts q, QuestionParts c) {
        List<Slot> slots = framedSlots(q, c);
        for (Slot slot : slots) {
            List<String> towardsA = direction(slot.a());
            List<String> towardsB = direction(slot.b());
            if (!towardsA.equals(towardsB)) {
                return Optional.of("the same question in another direction " + towardsA + " / " + towardsB);
            }
            if (slot.a().isEmpty() || slot.b().isEmpty()) {
                continue;
            }
            Set<String> onlyA = content(slot.a());
            Set<String> onlyB = content(slot.b());
            Set<String> both = new LinkedHashSet<>(onlyA);
            both.retainAll(onlyB);
            onlyA.removeAll(both);
            onlyB.removeAll(both);
            if (!onlyA.isEmpty() && !onlyB.isEmpty() && !(onlyA.size() == 1 && onlyB.size() == 1
                    && SimilarityGuard.sameRoot(onlyA.iterator().next(), onlyB.iterator().next()))) {
                return Optional.of("one slot differs in the same question " + onlyA + " / " + onlyB);
            }
        }
        return Optional.empty();
    }

    /**
     * "How to tie a tie" / "How to tie a bow tie": words added to an unchanged question narrow it,
     * or merely say it again ("the vim editor"); a soft difference, the cosine decides.
     */
    static Optional<String> insertion(QuestionParts q, QuestionParts c) {
        Set<String> addedA = new LinkedHashSet<>();
        Set<String> addedB = new LinkedHashSet<>();
        for (Slot slot : framedSlots(q, c)) {
            if (!slot.a().isEmpty() && !slot.b().isEmpty()) {
                return Optional.empty();
            }
            addedA.addAll(content(slot.a()));
            addedB.addAll(content(slot.b()));
        }
        if (addedA.isEmpty() == addedB.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("words added to the same question " + (addedA.isEmpty() ? addedB : addedA));
    }

    /**
     * The places where the two questions differ, found by aligning their words (longest common
     * subsequence); none unless the words they share make a frame: a content word among them, at
     * least as many as differ on either side, no slot over {@link #MAX_SLOT} words, and every slot
     * keeping the question's form.
     */
    private static List<Slot> framedSlots(QuestionParts q, QuestionParts c) {
        List<QuestionParts.Word> a = withoutArticles(q.words);
        List<QuestionParts.Word> b = withoutArticles(c.words);
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).norm().equals(b.get(j).norm()) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Slot> slots = new ArrayList<>();
        boolean sharedContent = false;
        int i = 0;
        int j = 0;
        int fromA = 0;
        int fromB = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).norm().equals(b.get(j).norm())) {
                addSlot(slots, a.subList(fromA, i), b.subList(fromB, j));
                sharedContent |= a.get(i).kind() == QuestionParts.Kind.WORD;
                fromA = ++i;
                fromB = ++j;
            } else if (j >= b.size() || i < a.size() && lcs[i + 1][j] >= lcs[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        addSlot(slots, a.subList(fromA, a.size()), b.subList(fromB, b.size()));
        int shared = lcs[0][0];
        if (!sharedContent || shared < a.size() - shared || shared < b.size() - shared) {
            return List.of();
        }
        for (Slot slot : slots) {
            if (slot.a().size() > MAX_SLOT || slot.b().size() > MAX_SLOT || !form(slot.a()).equals(form(slot.b()))) {
                return List.of();
            }
        }
        return slots;
    }

    private static void addSlot(List<Slot> slots, List<QuestionParts.Word> a, List<QuestionParts.Word> b) {
        if (!a.isEmpty() || !b.isEmpty()) {
            slots.add(new Slot(a, b));
        }
    }

    private static List<QuestionParts.Word> withoutArticles(List<QuestionParts.Word> words) {
        return words.stream().filter(w -> !ARTICLES.contains(w.norm())).toList();
    }

    private static List<String> form(List<QuestionParts.Word> words) {
        return words.stream().map(QuestionParts.Word::norm).filter(FORM::contains).toList();
    }

    /**
     * "I forgot to pay my card bill last month. Will it hurt my credit score?" / "... Will I be
     * charged a late fee?": the same context sentence, then questions that share no content word.
     */
    static Optional<String> sameContextOtherQuestion(QuestionParts q, QuestionParts c) {
        if (q.sentences.size() < 2 || c.sentences.size() < 2) {
            return Optional.empty();
        }
        List<List<String>> sentencesA = q.sentences.stream().map(Frame::norms).toList();
        List<List<String>> sentencesB = c.sentences.stream().map(Frame::norms).toList();
        Set<String> restA = new LinkedHashSet<>();
        Set<String> restB = new LinkedHashSet<>();
        boolean shared = false;
        for (int i = 0; i < sentencesA.size(); i++) {
            if (sentencesB.contains(sentencesA.get(i))) {
                shared = true;
            } else {
                restA.addAll(content(q.sentences.get(i)));
            }
        }
        for (int i = 0; i < sentencesB.size(); i++) {
            if (!sentencesA.contains(sentencesB.get(i))) {
                restB.addAll(content(c.sentences.get(i)));
            }
        }
        if (!shared || restA.isEmpty() || restB.isEmpty() || restA.stream().anyMatch(restB::contains)) {
            return Optional.empty();
        }
        return Optional.of("the same context, another question " + restA + " / " + restB);
    }

    private static List<String> norms(List<QuestionParts.Word> words) {
        return words.stream().map(QuestionParts.Word::norm).toList();
    }

    /** "copy files to a server" / "from a server". */
    private static List<String> direction(List<QuestionParts.Word> words) {
        return words.stream().map(QuestionParts.Word::norm).filter(GuardWords.DIRECTION::contains).toList();
    }

    private static boolean hasContent(List<QuestionParts.Word> words) {
        return words.stream().anyMatch(w -> w.kind() == QuestionParts.Kind.WORD);
    }

    /**
     * The slot's content words; a slot of stop words only stands for itself: "make" in "make a
     * table of contents" against "update a table of contents", "for" in "a for loop" / "a while loop".
     */
    private static Set<String> content(List<QuestionParts.Word> words) {
        Set<String> out = new LinkedHashSet<>();
        for (QuestionParts.Word w : words) {
            if (w.kind() == QuestionParts.Kind.WORD) {
                out.add(w.norm());
            }
        }
        if (out.isEmpty()) {
            for (QuestionParts.Word w : words) {
                if (w.kind() == QuestionParts.Kind.STOP && !FORM.contains(w.norm())) {
                    out.add(w.norm());
                }
            }
        }
        return out;
    }
}
