package dev.understudy.cache.similar;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-labelled pairs (label, new question, cached question), one split per file:
 * {@code similarity/pairs.tsv} to tune the guard and threshold on, {@code similarity/held-out.tsv}
 * to measure them on, never tuned on.
 */
record LabelledPairs(String name, List<Pair> pairs) {

    static final String TUNING = "pairs.tsv";
    static final String HELD_OUT = "held-out.tsv";

    /** {@code same}: the cached answer serves the new question; otherwise a near miss. */
    record Pair(boolean same, String query, String cached) {
    }

    /** The tuning split. */
    static LabelledPairs load() {
        return load(TUNING);
    }

    static LabelledPairs load(String file) {
        try (InputStream in = LabelledPairs.class.getResourceAsStream("/similarity/" + file)) {
            if (in == null) {
                throw new IllegalStateException("similarity/" + file + " is missing");
            }
            List<Pair> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                if (cols.length != 3 || !(cols[0].equals("same") || cols[0].equals("different"))) {
                    throw new IllegalStateException("bad line in " + file + ": " + line);
                }
                out.add(new Pair(cols[0].equals("same"), cols[1].strip(), cols[2].strip()));
            }
            return new LabelledPairs(file, List.copyOf(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long same() {
        return pairs.stream().filter(Pair::same).count();
    }

    long different() {
        return pairs.size() - same();
    }
}
