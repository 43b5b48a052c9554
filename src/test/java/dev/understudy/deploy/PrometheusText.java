package dev.understudy.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Series of the Prometheus text format (a /q/metrics scrape, or promtool's series notation). */
final class PrometheusText {

    private static final Pattern SERIES = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Labels Prometheus adds when it scrapes a target; the gateway never emits them itself. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod", "service", "endpoint",
            "container");

    private PrometheusText() {
    }

    record Series(String name, Map<String, String> labels) {
    }

    /** {@code name{a="1",b="2"}} (no value). */
    static Series series(String text) {
        Matcher m = SERIES.matcher(text.strip());
        if (!m.matches()) {
            throw new AssertionError("not a series: " + text);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(3) != null) {
            Matcher l = LABEL.matcher(m.group(3));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
        }
        return new Series(m.group(1), labels);
    }

    /** Metric name → the label-name sets its series carry, from a scrape (comments and values dropped). */
    static Map<String, Set<Set<String>>> labelSets(String scrape) {
        Map<String, Set<Set<String>>> out = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            Series s = series(line.substring(0, space));
            out.computeIfAbsent(s.name(), k -> new java.util.HashSet<>())
                    .add(new TreeSet<>(s.labels().keySet()));
        }
        return out;
    }
}
