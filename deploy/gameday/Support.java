// Small helpers of the game-day driver: statistics, Prometheus text, JSON, report printing.

package gameday;

import gameday.Observers.*;
import gameday.Traffic.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Statistics, Prometheus text, JSON and report printing shared by the game day and the soak. */
final class Support {

    private Support() {
    }

    /** The questions of the mixed traffic. */
    static final String[] POOL = {
        "What is the capital of France?",
        "Summarise the plot of Hamlet in two sentences.",
        "Translate 'good morning' into Spanish.",
        "Write a haiku about failover.",
        "What does HTTP status 503 mean?",
        "Give me three tips for writing clear commit messages.",
        "Explain a circuit breaker in one paragraph.",
        "What is the boiling point of water at sea level?",
        "List the planets of the solar system.",
        "How do I reverse a list in Python?",
        "What is a p99 latency?",
        "Name two sorting algorithms and their complexity.",
    };

    static void check(List<Map<String, Object>> checks, String what, boolean ok, String detail) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("check", what);
        c.put("ok", ok);
        c.put("detail", detail);
        checks.add(c);
    }

    static String describe(Result x) {
        return String.format(Locale.ROOT, "t=%.1fs %s -> %s in %d ms (source %s, provider %s, attempts %d, live %s)%s",
                x.sentMs() / 1000.0, x.kind(), x.status() == 0 ? "no response" : "HTTP " + x.status(), x.latencyMs(),
                x.source(), x.provider(), x.attempts(), x.live(), x.error() == null ? "" : ": " + x.error());
    }

    static final double MiB = 1024.0 * 1024.0;

    static <T> T last(List<T> l) {
        return l.get(l.size() - 1);
    }

    static String nz(Object o) {
        return o == null ? "-" : o.toString();
    }

    static Map<String, Object> percentiles(List<Long> values) {
        List<Long> v = new ArrayList<>(values);
        v.sort(null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", v.size());
        m.put("p50", pct(v, 50));
        m.put("p95", pct(v, 95));
        m.put("p99", pct(v, 99));
        m.put("max", v.isEmpty() ? null : v.get(v.size() - 1));
        return m;
    }

    /** Nearest rank. */
    static Long pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double slope(List<double[]> pts) {
        double n = pts.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (double[] p : pts) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        double den = n * sxx - sx * sx;
        return den == 0 ? 0 : (n * sxy - sx * sy) / den;
    }

    static <T> Map<String, Long> countBy(Collection<T> items, java.util.function.Function<T, String> key) {
        Map<String, Long> m = new TreeMap<>();
        for (T t : items) {
            m.merge(key.apply(t), 1L, Long::sum);
        }
        return m;
    }

    static Map<String, Object> deltaBy(Sample a, Sample b, String name, String labels,
            Predicate<Map<String, String>> match) {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, Double> e : b.values().entrySet()) {
            if (!e.getKey().startsWith(name + "{")) {
                continue;
            }
            Map<String, String> l = Metrics.labels(e.getKey());
            if (!match.test(l)) {
                continue;
            }
            double d = e.getValue() - a.values().getOrDefault(e.getKey(), 0.0);
            if (d == 0) {
                continue;
            }
            String k = List.of(labels.split(",")).stream().map(l::get).collect(Collectors.joining("/"));
            out.merge(k, (long) Math.round(d), (x, y) -> (Long) x + (Long) y);
        }
        return out;
    }

    static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }

    static double round2(double d) {
        return Math.round(d * 100) / 100.0;
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(round1(d));
    }

    static String fmtDuration(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }

    static void sleepMs(long ms) {
        LockSupport.parkNanos(ms * 1_000_000L);
    }

    static void sleepUntil(long startNanos, double atS) {
        long target = startNanos + (long) (atS * 1e9);
        long wait;
        while ((wait = target - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    static final class Metrics {
        private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static Map<String, Double> parse(String text) {
            Map<String, Double> out = new ConcurrentHashMap<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("#") || !(line.startsWith("understudy_") || line.startsWith("jvm_"))) {
                    continue;
                }
                if (line.startsWith("understudy_upstream_latency_seconds_bucket")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                double v;
                try {
                    v = Double.parseDouble(m.group(4));
                } catch (NumberFormatException e) {
                    continue;
                }
                Map<String, String> labels = new TreeMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                out.put(key(m.group(1), labels), v);
            }
            return out;
        }

        static String key(String name, Map<String, String> labels) {
            if (labels.isEmpty()) {
                return name;
            }
            return name + labels.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                    .collect(Collectors.joining(",", "{", "}"));
        }

        static Map<String, String> labels(String key) {
            Map<String, String> out = new TreeMap<>();
            int i = key.indexOf('{');
            if (i < 0) {
                return out;
            }
            Matcher l = LABEL.matcher(key.substring(i));
            while (l.find()) {
                out.put(l.group(1), l.group(2));
            }
            return out;
        }

        static String label(String key, String name) {
            String v = labels(key).get(name);
            return v == null ? "" : v;
        }
    }

    /** Just enough JSON: parse to Map/List/String/Double/Boolean/null, write the same back. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.ws();
            if (j.i != j.s.length()) {
                throw new IllegalArgumentException("trailing data at " + j.i);
            }
            return v;
        }

        static String routeOf(String body) {
            Matcher m = Pattern.compile("\"model\":\"([^\"]*)\"").matcher(body);
            return m.find() ? m.group(1) : "";
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            ws();
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"':
                    return string();
                case 't':
                    i += 4;
                    return Boolean.TRUE;
                case 'f':
                    i += 5;
                    return Boolean.FALSE;
                case 'n':
                    i += 4;
                    return null;
                default: {
                    int st = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    return Double.parseDouble(s.substring(st, i));
                }
            }
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i);
            }
            i++;
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }

        static String quote(String v) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : v.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }

        static String write(Object v) {
            StringBuilder b = new StringBuilder();
            write(b, v, "");
            return b.toString();
        }

        private static void write(StringBuilder b, Object v, String indent) {
            if (v == null) {
                b.append("null");
            } else if (v instanceof String str) {
                b.append(quote(str));
            } else if (v instanceof Double d) {
                b.append(d.isNaN() || d.isInfinite() ? "null" : d == Math.rint(d) && Math.abs(d) < 1e15
                        ? String.valueOf(d.longValue()) : String.valueOf(d));
            } else if (v instanceof Number || v instanceof Boolean) {
                b.append(v);
            } else if (v instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    b.append("{}");
                    return;
                }
                String in = indent + "  ";
                b.append("{\n");
                int k = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(in).append(quote(String.valueOf(e.getKey()))).append(": ");
                    write(b, e.getValue(), in);
                    b.append(++k < m.size() ? ",\n" : "\n");
                }
                b.append(indent).append('}');
            } else if (v instanceof Collection<?> c) {
                if (c.isEmpty()) {
                    b.append("[]");
                    return;
                }
                String in = indent + "  ";
                b.append("[\n");
                int k = 0;
                for (Object x : c) {
                    b.append(in);
                    write(b, x, in);
                    b.append(++k < c.size() ? ",\n" : "\n");
                }
                b.append(indent).append(']');
            } else {
                b.append(quote(v.toString()));
            }
        }
    }

    /** The report's checks, then (when there are some) its examples of what went wrong. */
    @SuppressWarnings("unchecked")
    static void printChecks(Map<String, Object> report, String examplesKey, String examplesTitle) {
        System.out.println("checks:");
        for (Map<String, Object> c : (List<Map<String, Object>>) report.get("checks")) {
            System.out.printf(Locale.ROOT, "  [%s] %s: %s%n", Boolean.TRUE.equals(c.get("ok")) ? "ok" : "FAIL",
                    c.get("check"), c.get("detail"));
        }
        if (report.containsKey(examplesKey)) {
            System.out.println(examplesTitle);
            for (Object f : (List<Object>) report.get(examplesKey)) {
                System.out.println("  " + f);
            }
        }
    }
}
