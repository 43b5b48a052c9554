// Alert conditions of deploy/prometheus/understudy-alerts.yaml, evaluated on the gateway's own metric deltas.

package gameday;

import static gameday.Support.*;

import gameday.Observers.*;
import gameday.Support.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Alerts {
    /** alert name -> its for: duration, read from the rules file (defaults if it cannot be read). */
    final Map<String, Duration> forDurations = new LinkedHashMap<>();

    Alerts(String rulesPath) {
        forDurations.put("UnderstudyFallbackInUse", Duration.ofMinutes(10));
        forDurations.put("UnderstudyCircuitOpen", Duration.ofMinutes(5));
        forDurations.put("UnderstudyRouteDown", Duration.ofMinutes(2));
        forDurations.put("UnderstudyLastResortAnswers", Duration.ofMinutes(5));
        forDurations.put("UnderstudyQueueDepth", Duration.ofMinutes(10));
        forDurations.put("UnderstudyCacheWritesDropped", Duration.ofMinutes(10));
        if (rulesPath != null) {
            try {
                String alert = null;
                for (String line : Files.readAllLines(Path.of(rulesPath))) {
                    Matcher a = Pattern.compile("^\\s*-\\s*alert:\\s*(\\S+)").matcher(line);
                    Matcher f = Pattern.compile("^\\s*for:\\s*(\\S+)").matcher(line);
                    if (a.find()) {
                        alert = a.group(1);
                    } else if (f.find() && alert != null) {
                        forDurations.put(alert, promDuration(f.group(1)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("gameday: could not read " + rulesPath + " (" + e + "); default for: used");
            }
        }
    }

    static Duration promDuration(String s) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(s);
        Duration d = Duration.ZERO;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        return d;
    }

    /**
     * For one sample against the window's first sample: which alert instances' conditions hold, for the
     * given routes and providers only (null: all). Other routes (the jar's own demo route) are not the game.
     */
    static Map<String, Double> conditions(Sample base, Sample now, Set<String> onlyRoutes, Set<String> onlyProviders) {
        Map<String, Double> out = new TreeMap<>();
        Map<String, Double> a = base.values();
        Map<String, Double> b = now.values();
        Set<String> routes = new LinkedHashSet<>();
        for (String k : b.keySet()) {
            if (k.startsWith("understudy_requests_total{")) {
                routes.add(Metrics.label(k, "route"));
            }
        }
        for (String route : routes) {
            if (onlyRoutes != null && !onlyRoutes.contains(route)) {
                continue;
            }
            double all = delta(a, b, "understudy_requests_total", l -> route.equals(l.get("route")));
            double fallbacks = delta(a, b, "understudy_fallbacks_total", l -> route.equals(l.get("route")));
            double lastResort = delta(a, b, "understudy_requests_total", l -> route.equals(l.get("route"))
                    && !"provider".equals(l.get("source")) && !"rejected".equals(l.get("outcome")));
            double byProvider = delta(a, b, "understudy_requests_total", l -> route.equals(l.get("route"))
                    && "provider".equals(l.get("source")));
            double notRejected = delta(a, b, "understudy_requests_total", l -> route.equals(l.get("route"))
                    && !"rejected".equals(l.get("outcome")));
            if (all > 0 && fallbacks / all > 0.05) {
                out.put("UnderstudyFallbackInUse{" + route + "}", fallbacks / all);
            }
            if (lastResort > 0 && byProvider == 0) {
                out.put("UnderstudyRouteDown{" + route + "}", lastResort);
            }
            if (notRejected > 0 && lastResort / notRejected > 0.01) {
                out.put("UnderstudyLastResortAnswers{" + route + "}", lastResort / notRejected);
            }
        }
        for (Map.Entry<String, Double> e : b.entrySet()) {
            if (e.getKey().startsWith("understudy_circuit_state{") && e.getValue() >= 1 && (onlyProviders == null
                    || onlyProviders.contains(Metrics.label(e.getKey(), "provider")))) {
                out.put("UnderstudyCircuitOpen{" + Metrics.label(e.getKey(), "provider") + "/"
                        + Metrics.label(e.getKey(), "model") + "}", e.getValue());
            }
            if (e.getKey().equals("understudy_queue_depth") && e.getValue() > 100) {
                out.put("UnderstudyQueueDepth", e.getValue());
            }
            if (e.getKey().equals("understudy_cache_writes_dropped_total")
                    && e.getValue() > a.getOrDefault(e.getKey(), 0.0)) {
                out.put("UnderstudyCacheWritesDropped", e.getValue() - a.getOrDefault(e.getKey(), 0.0));
            }
        }
        return out;
    }

    static double delta(Map<String, Double> a, Map<String, Double> b, String name,
            Predicate<Map<String, String>> match) {
        double sum = 0;
        for (Map.Entry<String, Double> e : b.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(name + "{") && match.test(Metrics.labels(k))) {
                sum += e.getValue() - a.getOrDefault(k, 0.0);
            }
        }
        return sum;
    }

    /** The first sample within {@code windowMs} before {@code now} (the window's start). */
    static Sample windowStart(List<Sample> samples, Sample now, long windowMs) {
        for (Sample s : samples) {
            if (s.tMs() >= now.tMs() - windowMs) {
                return s;
            }
        }
        return now;
    }

    /**
     * Walks the samples: at each, the conditions over a window of min(5m, time since the first sample) —
     * min(2m, …) for UnderstudyRouteDown, which has a window of its own.
     * Returns per alert instance: seconds true, first and last true, longest streak.
     */
    List<Map<String, Object>> evaluate(List<Sample> samples, Set<String> onlyRoutes, Set<String> onlyProviders) {
        Map<String, long[]> stats = new TreeMap<>(); // trueMs, firstMs, lastMs, streakMs, bestStreakMs, prevTrue
        for (int i = 1; i < samples.size(); i++) {
            Sample now = samples.get(i);
            Sample prev = samples.get(i - 1);
            Sample base = windowStart(samples, now, 300_000); // rateWindow: 5m
            Sample routeDownBase = windowStart(samples, now, 120_000); // UnderstudyRouteDown's own: 2m
            if (base == now) {
                continue;
            }
            long step = now.tMs() - prev.tMs();
            Set<String> holding = new TreeSet<>();
            conditions(base, now, onlyRoutes, onlyProviders).keySet().stream()
                    .filter(k -> !k.startsWith("UnderstudyRouteDown{")).forEach(holding::add);
            if (routeDownBase != now) {
                conditions(routeDownBase, now, onlyRoutes, onlyProviders).keySet().stream()
                        .filter(k -> k.startsWith("UnderstudyRouteDown{")).forEach(holding::add);
            }
            for (String k : holding) {
                long[] st = stats.computeIfAbsent(k, x -> new long[] {0, now.tMs(), 0, 0, 0, 0});
                st[0] += step;
                st[2] = now.tMs();
                st[3] = st[5] == i - 1 ? st[3] + step : step;
                st[4] = Math.max(st[4], st[3]);
                st[5] = i;
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : stats.entrySet()) {
            String name = e.getKey().replaceAll("\\{.*", "");
            Duration forD = forDurations.getOrDefault(name, Duration.ZERO);
            long[] st = e.getValue();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("alert", e.getKey());
            row.put("condition_true_s", round1(st[0] / 1000.0));
            row.put("first_true_at_s", round1(st[1] / 1000.0));
            row.put("last_true_at_s", round1(st[2] / 1000.0));
            row.put("longest_streak_s", round1(st[4] / 1000.0));
            row.put("for", fmtDuration(forD));
            row.put("would_fire_in_this_run", st[4] >= forD.toMillis());
            out.add(row);
        }
        return out;
    }

    static String describe(Map<String, Object> row) {
        return String.format(Locale.ROOT, "%s: condition true for %s s (t=%s..%s s, longest streak %s s) -> %s",
                row.get("alert"), row.get("condition_true_s"), row.get("first_true_at_s"), row.get("last_true_at_s"),
                row.get("longest_streak_s"), Boolean.TRUE.equals(row.get("would_fire_in_this_run"))
                        ? "FIRES (for: " + row.get("for") + " reached)"
                        : "fires after for: " + row.get("for") + " (pending here)");
    }
}
