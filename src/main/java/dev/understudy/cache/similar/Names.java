package dev.understudy.cache.similar;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The names one question has and another lacks, less those the other spells out in other words:
 * an acronym of its words ("GDP" / "gross domestic product"), its words run together
 * ("NullPointerException" / "null pointer exception"), or a longer or shorter form of one of its
 * names ("Postgres" / "PostgreSQL", after the aliases of {@link GuardWords#ALIASES}).
 */
final class Names {

    private Names() {
    }

    /** The names of {@code a} that {@code b} neither has nor spells out, in {@code a}'s order. */
    static List<String> unexplained(QuestionParts a, QuestionParts b) {
        List<String> out = new ArrayList<>();
        for (String name : a.content) {
            if (a.nameLike.contains(name) && !b.content.contains(name) && !spelledOut(name, a, b)) {
                out.add(name);
            }
        }
        return out;
    }

    /** Those of {@code names} that are well-known places, languages, platforms or tools. */
    static List<String> known(List<String> names) {
        return names.stream().filter(GuardWords.KNOWN_NAMES::contains).toList();
    }

    private static boolean spelledOut(String name, QuestionParts a, QuestionParts b) {
        for (String other : b.content) {
            if (longerForm(name, other) || longerForm(other, name)) {
                return true;
            }
        }
        String raw = rawOf(name, a);
        List<String> words = new ArrayList<>();
        for (QuestionParts.Word w : b.words) {
            words.add(w.raw().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", ""));
        }
        String letters = name.replaceAll("[^\\p{L}\\p{N}]", "");
        boolean acronym = raw != null && raw.length() >= 2 && raw.length() <= 6
                && raw.equals(raw.toUpperCase(Locale.ROOT));
        for (int from = 0; from < words.size(); from++) {
            StringBuilder joined = new StringBuilder();
            StringBuilder initials = new StringBuilder();
            for (int to = from; to < words.size() && to < from + 6; to++) {
                String w = words.get(to);
                if (w.isEmpty()) {
                    break;
                }
                joined.append(w);
                initials.append(w.charAt(0));
                if (to > from && (joined.toString().equals(letters) || QuestionParts.stem(joined.toString()).equals(letters))) {
                    return true;
                }
                if (acronym && to > from && initials.toString().equals(raw.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** "postgresql" for "postgres": one is the other with at most two more letters. */
    private static boolean longerForm(String shorter, String longer) {
        return shorter.length() >= 4 && longer.startsWith(shorter) && longer.length() - shorter.length() <= 2;
    }

    private static String rawOf(String norm, QuestionParts p) {
        for (QuestionParts.Word w : p.words) {
            if (w.norm().equals(norm)) {
                return w.raw().replaceAll("[^\\p{L}\\p{N}]", "");
            }
        }
        return null;
    }
}
