package dev.understudy.cache.similar;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The hand-labelled pairs of {@code similarity/pairs.tsv}: label, new question, cached question. */
record LabelledPairs(List<Pair> pairs) {

    /** {@code same}: the cached answer serves the new question; otherwise a near miss. */
    record Pair(boolean same, String query, String cached) {
    }

    static LabelledPairs load() {
        try (InputStream in = LabelledPairs.class.getResourceAsStream("/similarity/pairs.tsv")) {
            if (in == null) {
                throw new IllegalStateException("similarity/pairs.tsv is missing");
            }
            List<Pair> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                if (cols.length != 3 || !(cols[0].equals("same") || cols[0].equals("different"))) {
                    throw new IllegalStateException("bad line in pairs.tsv: " + line);
                }
                out.add(new Pair(cols[0].equals("same"), cols[1].strip(), cols[2].strip()));
            }
            return new LabelledPairs(List.copyOf(out));
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
