package dev.understudy.cache.similar;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A question taken apart for {@link SimilarityGuard}: its words in order, each marked as a number,
 * a unit, a negation, a stop word or a content word, and whether the text itself shows a content
 * word to be a name (capitalised inside a sentence, an acronym, a code identifier, a known name).
 */
final class QuestionParts {

    enum Kind { NUMBER, UNIT, NEGATION, STOP, WORD }

    /** {@code bound}: a unit right after its number ("5 km"); a number that does not measure ("World War II"). */
    record Word(String raw, String norm, Kind kind, boolean nameLike, boolean bound) {
    }

    private static final Pattern TOKEN = Pattern.compile(
            "°\\s?[cCfF](?![\\p{L}])|[$€£¥%]|[\\p{L}\\p{N}_]+(?:(?:[.'/-]|::)[\\p{L}\\p{N}_]+)*(?:\\+\\+|#)?(?:\\(\\))?|[.?!:;]");
    private static final Pattern GLUED_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)([\\p{L}°/]+)");
    private static final Set<String> CURRENCY_SYMBOLS = Set.of("$", "€", "£", "¥");

    final List<Word> words;
    /** Every lower-cased word and its stem, stop words included (for opposites). */
    final Set<String> vocabulary = new HashSet<>();
    /** Content words (stems, names included), in order, each once. */
    final List<String> content;
    final Set<String> nameLike = new HashSet<>();
    final List<String> numbers = new ArrayList<>();
    final Set<String> units = new HashSet<>();
    final Set<String> questionWords = new HashSet<>();
    /** The words sentence by sentence ("I moved recently." "How do I change my address?"). */
    final List<List<Word>> sentences = new ArrayList<>();
    final boolean negated;
    final boolean directional;

    private QuestionParts(List<Word> words, Set<String> questionWords, List<Boolean> starts) {
        this.words = words;
        this.questionWords.addAll(questionWords);
        int from = 0;
        for (int i = 1; i <= words.size(); i++) {
            if (i == words.size() || starts.get(i)) {
                sentences.add(words.subList(from, i));
                from = i;
            }
        }
        Set<String> contentInOrder = new LinkedHashSet<>();
        boolean neg = false;
        boolean dir = false;
        for (Word w : words) {
            String lower = w.raw().toLowerCase(Locale.ROOT);
            vocabulary.add(lower);
            vocabulary.add(w.norm());
            neg |= w.kind() == Kind.NEGATION;
            dir |= GuardWords.DIRECTION.contains(lower);
            switch (w.kind()) {
                case NUMBER -> numbers.add(w.norm());
                case UNIT -> units.add(w.norm());
                case WORD -> {
                    contentInOrder.add(w.norm());
                    if (w.nameLike()) {
                        nameLike.add(w.norm());
                    }
                }
                default -> { }
            }
        }
        numbers.sort(null);
        this.content = List.copyOf(contentInOrder);
        this.negated = neg;
        this.directional = dir;
    }

    static QuestionParts of(String text) {
        String t = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKC)
                .replace('’', '\'').replace('‘', '\'').replaceAll("(?<=\\d),(?=\\d{3})", "");
        List<String> raws = new ArrayList<>();
        List<Boolean> starts = new ArrayList<>();
        boolean atStart = true;
        Matcher m = TOKEN.matcher(t);
        while (m.find()) {
            String tok = m.group().replaceAll("\\s", "");
            if (tok.matches("[.?!:;]")) {
                atStart = true;
                continue;
            }
            Matcher glued = GLUED_UNIT.matcher(tok);
            if (glued.matches() && GuardWords.UNITS.containsKey(glued.group(2).toLowerCase(Locale.ROOT))) {
                raws.add(glued.group(1));
                starts.add(atStart);
                tok = glued.group(2);
                atStart = false;
            }
            raws.add(tok);
            starts.add(atStart);
            atStart = false;
        }
        boolean shouting = shouting(raws, starts);
        List<String> merged = mergePhrases(raws, starts);
        // who / when / where / why ask something only where a sentence starts ("What does it mean
        // when my cat purrs?" asks why)
        Set<String> asks = new HashSet<>();
        for (int i = 0; i < merged.size(); i++) {
            String lower = merged.get(i).toLowerCase(Locale.ROOT);
            if (starts.get(i) && GuardWords.SPECIFIC_QUESTION_WORDS.contains(lower)) {
                asks.add(lower);
            }
        }
        return new QuestionParts(classify(merged, starts, shouting), asks, starts);
    }

    /**
     * Title Case or ALL CAPS text says nothing about names through its capitals: most words are
     * capitalised, stop words inside a sentence included ("How To Reset My Password").
     */
    private static boolean shouting(List<String> raws, List<Boolean> starts) {
        int letters = 0;
        int capitalised = 0;
        boolean capitalStopWord = false;
        for (int i = 0; i < raws.size(); i++) {
            String r = raws.get(i);
            if (!r.isEmpty() && Character.isLetter(r.charAt(0))) {
                letters++;
                boolean capital = Character.isUpperCase(r.charAt(0));
                capitalised += capital ? 1 : 0;
                capitalStopWord |= capital && !starts.get(i) && !r.equals("I")
                        && GuardWords.STOP.contains(r.toLowerCase(Locale.ROOT));
            }
        }
        return letters >= 3 && capitalStopWord && capitalised * 10 >= letters * 7;
    }

    private static List<String> mergePhrases(List<String> raws, List<Boolean> starts) {
        List<String> out = new ArrayList<>();
        List<Boolean> outStarts = new ArrayList<>();
        for (int i = 0; i < raws.size(); i++) {
            if (i + 1 < raws.size()) {
                String two = (raws.get(i) + " " + raws.get(i + 1)).toLowerCase(Locale.ROOT);
                String folded = GuardWords.PHRASES.get(two);
                if (folded != null) {
                    out.add("\u0000" + folded);
                    outStarts.add(starts.get(i));
                    i++;
                    continue;
                }
            }
            out.add(raws.get(i));
            outStarts.add(starts.get(i));
        }
        starts.clear();
        starts.addAll(outStarts);
        return out;
    }

    private static List<Word> classify(List<String> raws, List<Boolean> starts, boolean shouting) {
        List<Word> out = new ArrayList<>(raws.size());
        for (int i = 0; i < raws.size(); i++) {
            String raw = raws.get(i);
            boolean folded = raw.startsWith("\u0000");
            if (folded) {
                raw = raw.substring(1);
            }
            String lower = raw.toLowerCase(Locale.ROOT);
            if (raw.equals("US") || lower.equals("u.s") || lower.equals("u.s.a")) {
                lower = "usa";
            }
            if (lower.endsWith("'s")) {
                lower = lower.substring(0, lower.length() - 2);
            }
            String next = i + 1 < raws.size() ? raws.get(i + 1).replace("\u0000", "").toLowerCase(Locale.ROOT) : "";
            String prev = i > 0 ? raws.get(i - 1).toLowerCase(Locale.ROOT) : "";
            boolean unitNext = GuardWords.UNITS.containsKey(next) && !CURRENCY_SYMBOLS.contains(next);
            String number = number(lower, unitNext);
            String rank = GuardWords.ROMAN.containsKey(raw) ? GuardWords.ROMAN.get(raw)
                    : next.isEmpty() || GuardWords.STOP.contains(next) ? null : ordinal(lower); // "learn it first"
            if (rank != null) {
                // "World War II", "the first CEO": a number, but not one that measures ("what year")
                out.add(new Word(raw, rank, Kind.NUMBER, false, true));
            } else if ("1".equals(number) && unitNext) {
                // "a kilogram", "one kg", "1 kg": the unit alone, as in "grams in a kilogram"
                out.add(new Word(raw, "a", Kind.STOP, false, false));
            } else if (number != null) {
                out.add(new Word(raw, number, Kind.NUMBER, false, false));
            } else if (GuardWords.UNITS.containsKey(lower)) {
                boolean bound = number(prev, true) != null || prev.equals("a") || prev.equals("an")
                        || (CURRENCY_SYMBOLS.contains(lower) && number(next, false) != null);
                out.add(new Word(raw, GuardWords.UNITS.get(lower), Kind.UNIT, false, bound));
            } else if (GuardWords.NEGATIONS.contains(lower) || lower.endsWith("n't")) {
                out.add(new Word(raw, lower, Kind.NEGATION, false, false));
            } else if (GuardWords.STOP.contains(lower) && (shouting || !isAcronym(raw))) {
                out.add(new Word(raw, lower, Kind.STOP, false, false));
            } else {
                boolean name = GuardWords.NAMES.contains(lower) || looksLikeName(raw, starts.get(i), shouting);
                String norm = name ? GuardWords.ALIASES.getOrDefault(lower, lower) : lower;
                out.add(new Word(raw, stem(norm), Kind.WORD, name, false));
            }
        }
        return softUnits(out);
    }

    /** "what year", "how many days": a time or cup word is a unit only where the text measures. */
    private static List<Word> softUnits(List<Word> words) {
        boolean measures = words.stream().anyMatch(w -> w.kind() == Kind.NUMBER && !w.bound()
                || (w.kind() == Kind.UNIT && (w.bound() || !GuardWords.SOFT_UNITS.contains(w.norm()))));
        if (measures) {
            return words;
        }
        return words.stream().map(w -> w.kind() != Kind.UNIT || !GuardWords.SOFT_UNITS.contains(w.norm()) ? w
                : w.raw().equalsIgnoreCase("second") ? new Word(w.raw(), "2nd", Kind.NUMBER, false, true)
                : new Word(w.raw(), w.norm(), Kind.WORD, false, false)).toList();
    }

    /** "first", "3rd": a rank, as "1st", "3rd". */
    private static String ordinal(String lower) {
        if (lower.matches("\\d+(st|nd|rd|th)")) {
            return lower;
        }
        return GuardWords.ORDINALS.get(lower);
    }

    private static String number(String lower, boolean unitNext) {
        if (lower.isEmpty()) {
            return null;
        }
        if (lower.matches("[-+]?\\d+(\\.\\d+)?")) {
            return new BigDecimal(lower).stripTrailingZeros().toPlainString();
        }
        String word = GuardWords.NUMBER_WORDS.get(lower);
        if (word != null && (!lower.equals("one") || unitNext)) {
            return word;
        }
        return (lower.equals("a") || lower.equals("an")) && unitNext ? "1" : null;
    }

    private static boolean isAcronym(String raw) {
        return raw.length() > 1 && raw.equals(raw.toUpperCase(Locale.ROOT)) && raw.matches(".*\\p{L}.*");
    }

    private static boolean looksLikeName(String raw, boolean sentenceStart, boolean shouting) {
        if (raw.matches(".*(_|::|\\(\\)|\\+\\+|#|\\.\\p{L}).*") || raw.matches(".*\\p{L}.*") && raw.matches(".*\\d.*")) {
            return true; // code identifier, version, model number
        }
        boolean innerCapital = raw.length() > 1 && !raw.substring(1).equals(raw.substring(1).toLowerCase(Locale.ROOT));
        if (isAcronym(raw)) {
            return !shouting || raw.length() <= 4;
        }
        if (innerCapital) {
            return true; // camelCase, JavaScript, iPhone
        }
        return !shouting && !sentenceStart && Character.isUpperCase(raw.charAt(0)) && !raw.equals("I");
    }

    static String stem(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
