// The game day: outage scenarios applied through /admin/chaos under steady load, their expectations,
// and the per-scenario report.

package gameday;

import static gameday.Support.*;

import gameday.GameDay.*;
import gameday.Observers.*;
import gameday.Support.*;
import gameday.Traffic.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The outage scenarios and the run that plays them. */
final class Scenarios {

    private Scenarios() {
    }

    /** A fault the scenario applies at a moment, and what the runner then believes about that provider. */
    record Step(double atS, String label, Runnable action) {
    }

    static final class Scenario {
        static final List<String> NAMES = List.of("primary-outage", "rate-limit-surge", "degradation", "flapping",
                "blackout");
        final String name;
        final String description;
        final List<Step> steps = new ArrayList<>();
        /** The time (s) after which the primary must have answered again (its fault was cleared). */
        double recoveredAtS = -1;
        boolean expectLastResorts;
        boolean expectBreakerOpen;
        boolean expectNoBreakerOpen;
        boolean expectCooldown;
        boolean expectWithinDeadline;
        List<String> expectedAlerts = List.of();
        List<String> unexpectedAlerts = List.of();

        Scenario(String name, String description) {
            this.name = name;
            this.description = description;
        }
    }

    static final class GameDayRun {
        final Options o;
        final Gateway gw;
        final Alerts alerts;
        List<String> providers;
        long deadlineMs;
        /** Providers whose injected fault leaves them unable to answer (outage, 429 storm). */
        final Set<String> down = ConcurrentHashMap.newKeySet();

        GameDayRun(Options o, Gateway gw) {
            this.o = o;
            this.gw = gw;
            this.alerts = new Alerts(o.rules);
        }

        @SuppressWarnings("unchecked")
        void discover() {
            for (Object ro : (List<Object>) gw.status().get("routes")) {
                Map<String, Object> r = (Map<String, Object>) ro;
                if (o.route.equals(r.get("name"))) {
                    providers = new ArrayList<>();
                    for (Object to : (List<Object>) r.get("targets")) {
                        String p = (String) ((Map<String, Object>) to).get("provider");
                        if (!providers.contains(p)) {
                            providers.add(p);
                        }
                    }
                    deadlineMs = ((Number) r.get("deadline_ms")).longValue();
                }
            }
            if (providers == null || providers.size() < 2) {
                throw new IllegalStateException("route '" + o.route + "' needs at least two providers (found "
                        + providers + "): start the gateway with deploy/gameday/gameday.yaml");
            }
        }

        void outage(String p, boolean on) {
            if (on) {
                gw.chaos(p, "\"outage\":true");
                down.add(p);
            } else {
                gw.clearChaos(p);
                down.remove(p);
            }
        }

        Scenario build(String name, double T) {
            String p1 = providers.get(0);
            String p2 = providers.get(1);
            String last = providers.get(providers.size() - 1);
            Scenario s;
            switch (name) {
                case "primary-outage" -> {
                    s = new Scenario(name, "total outage of " + p1 + " (connection refused) from 15% to 65% of the "
                            + "scenario; " + p2 + " must answer, " + p1 + " must be used again after it recovers");
                    s.steps.add(new Step(0.15 * T, "outage " + p1, () -> outage(p1, true)));
                    s.steps.add(new Step(0.65 * T, "clear " + p1, () -> outage(p1, false)));
                    s.recoveredAtS = 0.65 * T;
                    s.expectBreakerOpen = true;
                    s.expectedAlerts = List.of("UnderstudyFallbackInUse", "UnderstudyCircuitOpen");
                    s.unexpectedAlerts = List.of("UnderstudyRouteDown", "UnderstudyLastResortAnswers");
                }
                case "rate-limit-surge" -> {
                    s = new Scenario(name, "429 storm (Retry-After: 1) on " + p1 + " from 15%, spreading to " + p2
                            + " from 45%, cleared at 70%: answered by the next target, cooldowns used, breakers stay "
                            + "closed (a 429 is not an outage)");
                    s.steps.add(new Step(0.15 * T, "429 storm on " + p1, () -> {
                        gw.chaos(p1, "\"rate-limit\":true");
                        down.add(p1);
                    }));
                    if (providers.size() > 2) {
                        s.steps.add(new Step(0.45 * T, "429 storm on " + p2, () -> {
                            gw.chaos(p2, "\"rate-limit\":true");
                            down.add(p2);
                        }));
                    }
                    s.steps.add(new Step(0.70 * T, "clear " + p1 + (providers.size() > 2 ? ", " + p2 : ""), () -> {
                        gw.clearChaos(p1);
                        gw.clearChaos(p2);
                        down.remove(p1);
                        down.remove(p2);
                    }));
                    s.recoveredAtS = 0.70 * T;
                    s.expectCooldown = true;
                    s.expectNoBreakerOpen = true;
                    s.expectedAlerts = List.of("UnderstudyFallbackInUse");
                    s.unexpectedAlerts = List.of("UnderstudyCircuitOpen", "UnderstudyRouteDown",
                            "UnderstudyLastResortAnswers");
                }
                case "degradation" -> {
                    s = new Scenario(name, "quality/latency degradation: " + p1 + " slows to 3 s (over its 1 s "
                            + "timeout) from 15%, " + p2 + " fails 30% of its calls with 500 from 40%, both cleared "
                            + "at 75%: every answer within the route deadline (" + deadlineMs + " ms)");
                    s.steps.add(new Step(0.15 * T, "latency 3s on " + p1, () -> gw.chaos(p1, "\"latency\":\"3s\"")));
                    s.steps.add(new Step(0.40 * T, "error-rate 0.3 (500) on " + p2,
                            () -> gw.chaos(p2, "\"error-rate\":0.3,\"status\":500")));
                    s.steps.add(new Step(0.75 * T, "clear " + p1 + ", " + p2, () -> {
                        gw.clearChaos(p1);
                        gw.clearChaos(p2);
                    }));
                    s.recoveredAtS = 0.75 * T;
                    s.expectWithinDeadline = true;
                    s.expectedAlerts = List.of("UnderstudyFallbackInUse");
                    s.unexpectedAlerts = List.of("UnderstudyRouteDown", "UnderstudyLastResortAnswers");
                }
                case "flapping" -> {
                    s = new Scenario(name, "flapping: outage of " + p1 + " toggled on/off every "
                            + fmt(o.flapSeconds) + " s from 10% to 70%: all answered, " + p1
                            + " used again after it settles");
                    boolean on = true;
                    double t = 0.10 * T;
                    for (; t < 0.70 * T - 1e-9; t += o.flapSeconds, on = !on) {
                        boolean state = on;
                        s.steps.add(new Step(t, (state ? "outage " : "restore ") + p1, () -> outage(p1, state)));
                    }
                    s.steps.add(new Step(t, "clear " + p1, () -> outage(p1, false)));
                    s.recoveredAtS = t;
                    s.expectedAlerts = List.of("UnderstudyFallbackInUse");
                    s.unexpectedAlerts = List.of("UnderstudyRouteDown", "UnderstudyLastResortAnswers");
                }
                case "blackout" -> {
                    s = new Scenario(name, "(bonus) every provider of the route down from 20% to 60%: last resorts "
                            + "answer (exact cache for repeated questions, static degraded answer for new ones), "
                            + "no 5xx; providers used again after");
                    s.steps.add(new Step(0.20 * T, "outage of all " + providers.size() + " providers", () -> {
                        for (String p : providers) {
                            outage(p, true);
                        }
                    }));
                    s.steps.add(new Step(0.60 * T, "clear all", () -> {
                        gw.clearChaos(null);
                        down.clear();
                    }));
                    s.recoveredAtS = 0.60 * T;
                    s.expectLastResorts = true;
                    s.expectBreakerOpen = true;
                    // not UnderstudyRouteDown: its condition needs a 2m window without a single provider answer
                    s.expectedAlerts = List.of("UnderstudyLastResortAnswers", "UnderstudyCircuitOpen");
                    s.unexpectedAlerts = List.of();
                }
                default -> throw new IllegalArgumentException(name);
            }
            if (last.equals(p1)) {
                throw new IllegalStateException("unreachable");
            }
            return s;
        }

        long logSize() {
            try {
                return o.gatewayLog == null ? 0 : Files.size(Path.of(o.gatewayLog));
            } catch (IOException e) {
                return 0;
            }
        }

        /**
         * The breaker lines the gateway logged since the scenario started ({@code HH:mm:ss.SSS ... breaker
         * route=R target=T state=S delay_ms=D}); null without --gateway-log.
         */
        List<Map<String, Object>> logTransitions() {
            if (o.gatewayLog == null) {
                return null;
            }
            byte[] all;
            try {
                all = Files.readAllBytes(Path.of(o.gatewayLog));
            } catch (IOException e) {
                return null;
            }
            String text = new String(all, (int) Math.min(logOffset, all.length), (int) Math.max(0, all.length - logOffset),
                    StandardCharsets.UTF_8);
            Pattern line = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}).*\\bbreaker route=(\\S+) target=(\\S+) state=(\\S+)"
                    + "(?: delay_ms=(\\d+))?", Pattern.MULTILINE);
            Matcher m = line.matcher(text);
            Map<String, String> state = new LinkedHashMap<>();
            List<Map<String, Object>> out = new ArrayList<>();
            while (m.find()) {
                if (!o.route.equals(m.group(2))) {
                    continue;
                }
                String target = m.group(2) + ":" + m.group(3);
                String to = m.group(4);
                String from = state.getOrDefault(target, "closed");
                state.put(target, to);
                if (from.equals(to)) {
                    continue;
                }
                long ms = Duration.between(wallStart, java.time.LocalTime.parse(m.group(1))).toMillis();
                if (ms < -43_200_000L) {
                    ms += 86_400_000L; // past midnight
                }
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("t_s", round1(ms / 1000.0));
                t.put("target", target);
                t.put("from", from);
                t.put("to", to);
                if (m.group(5) != null) {
                    t.put("delay_ms", Long.parseLong(m.group(5)));
                }
                out.add(t);
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        static List<Map<String, Object>> allTransitions(Map<String, Object> r) {
            List<Map<String, Object>> l = new ArrayList<>((List<Map<String, Object>>) r.get("breaker_transitions"));
            l.addAll((List<Map<String, Object>>) r.get("breaker_transitions_polled"));
            return l;
        }

        /** Steady mixed traffic: a third streaming; a fifth new questions, the rest from a small pool. */
        Spec spec(long i) {
            boolean stream = i % 3 == 2;
            String q = i % 5 == 4 ? "Game-day question number " + i + ": how many requests were sent before this one?"
                    : POOL[(int) (i % POOL.length)];
            String body = "{\"model\":" + Json.quote(o.route) + ",\"messages\":[{\"role\":\"user\",\"content\":"
                    + Json.quote(q) + "}]" + (stream ? ",\"stream\":true" : "") + "}";
            return new Spec(stream ? "chat-stream" : "chat", "/v1/chat/completions", body, stream, false, false, Map.of());
        }

        int run() throws IOException {
            discover();
            double T = o.scenarioSeconds;
            System.out.printf(Locale.ROOT, "Understudy game day against %s: route %s (%s), deadline %d ms; %d scenario(s)"
                    + " of %s s at %s req/s%s%n", o.url, o.route, String.join(" -> ", providers), deadlineMs,
                    o.scenarios.size(), fmt(T), fmt(o.rate), o.prometheus != null ? "; Prometheus " + o.prometheus : "");
            List<Map<String, Object>> reports = new ArrayList<>();
            boolean allPass = true;
            for (String name : o.scenarios) {
                Scenario s = build(name, T);
                System.out.printf(Locale.ROOT, "%n== %s: %s%n", s.name, s.description);
                Map<String, Object> rep = play(s, T);
                reports.add(rep);
                allPass &= "PASS".equals(rep.get("verdict"));
                printScenario(rep);
            }
            System.out.printf(Locale.ROOT, "%n== summary%n");
            System.out.printf(Locale.ROOT, "%-17s %5s %8s %6s %6s %6s %6s %9s  %-36s %s%n", "scenario", "sent", "answered",
                    "failed", "p50ms", "p95ms", "p99ms", "breakers", "answers by source", "verdict");
            for (Map<String, Object> r : reports) {
                @SuppressWarnings("unchecked")
                Map<String, Object> lat = (Map<String, Object>) r.get("latency_ms");
                @SuppressWarnings("unchecked")
                Map<String, Object> sources = (Map<String, Object>) r.get("by_source");
                String bySource = sources.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "));
                System.out.printf(Locale.ROOT, "%-17s %5s %8s %6s %6s %6s %6s %9s  %-36s %s%n", r.get("scenario"),
                        r.get("sent"), r.get("answered"), r.get("failed"), lat.get("p50"), lat.get("p95"),
                        lat.get("p99"), ((List<?>) r.get("breaker_transitions")).size(), bySource, r.get("verdict"));
            }
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("kind", "gameday");
            top.put("gateway", o.url);
            top.put("route", o.route);
            top.put("providers", providers);
            top.put("deadline_ms", deadlineMs);
            top.put("scenario_seconds", T);
            top.put("rate_per_s", o.rate);
            top.put("prometheus", o.prometheus);
            top.put("finished_at", Instant.now().toString());
            top.put("scenarios", reports);
            top.put("verdict", allPass ? "PASS" : "FAIL");
            Files.writeString(Path.of(o.json), Json.write(top) + "\n");
            System.out.printf(Locale.ROOT, "%nverdict: %s   (JSON report: %s)%n", allPass ? "PASS" : "FAIL", o.json);
            return allPass ? 0 : 1;
        }

        long logOffset;
        java.time.LocalTime wallStart;

        Map<String, Object> play(Scenario s, double T) {
            gw.resetAll();
            down.clear();
            sleepMs(100); // the reset's own log lines go before the offset
            logOffset = logSize();
            wallStart = java.time.LocalTime.now();
            long start = System.nanoTime();
            StatusPoller status = new StatusPoller(gw, Set.of(o.route), start).start(200);
            MetricsSampler metrics = new MetricsSampler(gw, start).start(1000);
            PrometheusWatcher prom = null;
            if (o.prometheus != null) {
                prom = new PrometheusWatcher(gw.http, o.prometheus, start);
                prom.routes = Set.of(o.route);
                prom.providers = Set.copyOf(providers);
                prom.start();
            }
            Load load = new Load(gw, o.rate, start, this::spec, spec -> down.size() < providers.size()).start();
            List<Map<String, Object>> events = new ArrayList<>();
            for (Step step : s.steps) {
                sleepUntil(start, step.atS());
                step.action().run();
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("t_s", round1((System.nanoTime() - start) / 1e9));
                e.put("fault", step.label());
                events.add(e);
            }
            sleepUntil(start, T);
            // the primary must be used again after recovery: wait for it (bounded) if it is not yet
            String primary = providers.get(0);
            double recoveredAt = s.recoveredAtS;
            Predicate<Result> primaryBack = r -> r.answered() && "provider".equals(r.source())
                    && primary.equals(r.provider()) && r.sentMs() >= recoveredAt * 1000;
            double extraUntil = T + o.recoveryGrace;
            boolean extended = false;
            while (recoveredAt >= 0 && load.results.stream().noneMatch(primaryBack)
                    && (System.nanoTime() - start) / 1e9 < extraUntil) {
                extended = true;
                sleepMs(100);
            }
            List<Result> results = load.stop();
            double duration = (System.nanoTime() - start) / 1e9;
            status.stop();
            metrics.stop();
            if (prom != null) {
                prom.stop();
            }
            return report(s, T, duration, extended, events, results, status, metrics, prom);
        }

        Map<String, Object> report(Scenario s, double T, double duration, boolean extended,
                List<Map<String, Object>> events, List<Result> results, StatusPoller status, MetricsSampler metrics,
                PrometheusWatcher prom) {
            String primary = providers.get(0);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("scenario", s.name);
            r.put("description", s.description);
            r.put("duration_s", round1(duration));
            r.put("faults", events);
            long answered = results.stream().filter(Result::answered).count();
            List<Result> failed = results.stream().filter(x -> !x.answered()).toList();
            long failedLive = failed.stream().filter(Result::live).count();
            r.put("sent", results.size());
            r.put("answered", answered);
            r.put("failed", failed.size());
            r.put("failed_while_a_target_was_live", failedLive);
            r.put("streaming", results.stream().filter(x -> x.kind().endsWith("stream")).count());
            r.put("by_source", countBy(results, Result::source));
            r.put("by_provider", countBy(results.stream().filter(Result::answered).toList(), Result::provider));
            r.put("by_status", countBy(results, x -> String.valueOf(x.status())));
            r.put("fallback_answers", results.stream().filter(x -> x.answered() && x.fallback()).count());
            r.put("latency_ms", percentiles(results.stream().filter(Result::answered).map(Result::latencyMs).toList()));
            Sample first = metrics.samples.isEmpty() ? null : metrics.samples.get(0);
            Sample lastS = metrics.samples.isEmpty() ? null : metrics.samples.get(metrics.samples.size() - 1);
            Map<String, Object> gwm = new LinkedHashMap<>();
            if (first != null) {
                gwm.put("fallbacks_by_reason", deltaBy(first, lastS, "understudy_fallbacks_total", "reason",
                        l -> o.route.equals(l.get("route"))));
                gwm.put("requests_by_source_outcome", deltaBy(first, lastS, "understudy_requests_total", "source,outcome",
                        l -> o.route.equals(l.get("route"))));
                gwm.put("attempts_by_provider_outcome", deltaBy(first, lastS, "understudy_attempts_total",
                        "provider,outcome", l -> providers.contains(l.get("provider"))));
            }
            r.put("gateway_metrics_delta", gwm);
            List<Map<String, Object>> trans = new ArrayList<>();
            for (Transition t : status.transitions) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("t_s", round1(t.tMs() / 1000.0));
                m.put("target", t.target());
                m.put("from", t.from());
                m.put("to", t.to());
                trans.add(m);
            }
            List<Map<String, Object>> fromLog = logTransitions();
            r.put("breaker_transitions_from", fromLog != null ? "the gateway log (exact)"
                    : "polls of /admin/status every 200 ms (a half-open trial shorter than that can be missed)");
            r.put("breaker_transitions", fromLog != null ? fromLog : trans);
            r.put("breaker_transitions_polled", trans);
            r.put("status_polls", status.polls.get());
            Map<String, Object> cooldowns = new LinkedHashMap<>();
            status.cooldownFirstMs.forEach((k, v) -> cooldowns.put(k, "first seen t=" + fmt(v / 1000.0)
                    + " s, in " + status.cooldownPolls.get(k) + " polls"));
            r.put("cooldowns_seen", cooldowns);
            List<Map<String, Object>> alertRows = alerts.evaluate(metrics.samples, Set.of(o.route),
                    Set.copyOf(providers));
            r.put("alert_conditions", alertRows);
            if (prom != null) {
                r.put("prometheus_alerts_seen", new TreeMap<>(prom.seen));
                r.put("prometheus_rules_at_end", prom.rules());
                if (prom.error != null) {
                    r.put("prometheus_error", prom.error);
                }
            }
            // recovery
            double recoveredAt = s.recoveredAtS;
            Result back = results.stream().filter(x -> x.answered() && "provider".equals(x.source())
                    && primary.equals(x.provider()) && x.sentMs() >= recoveredAt * 1000)
                    .min(Comparator.comparingLong(Result::sentMs)).orElse(null);
            if (recoveredAt >= 0) {
                r.put("fault_cleared_at_s", round1(recoveredAt));
                r.put("primary_answered_again_after_s", back == null ? null : round1(back.sentMs() / 1000.0 - recoveredAt));
                r.put("extended_for_recovery", extended);
            }
            // expectations
            List<Map<String, Object>> checks = new ArrayList<>();
            check(checks, "no request failed while a target was live", failedLive == 0,
                    failedLive + " failed" + (failed.isEmpty() ? "" : "; first: " + describe(failed.get(0))));
            if (!s.expectLastResorts) {
                long notProvider = results.stream().filter(x -> x.answered() && !"provider".equals(x.source())).count();
                check(checks, "every answer came from a provider (a target was always live)", notProvider == 0,
                        notProvider + " answers from last resorts");
            } else {
                long fiveXX = results.stream().filter(x -> x.status() >= 500 || x.status() == 0).count();
                check(checks, "no 5xx during the blackout (last resorts answered)", fiveXX == 0, fiveXX + " 5xx");
                long lr = results.stream().filter(x -> x.answered() && !"provider".equals(x.source())).count();
                check(checks, "last resorts (cache/static) answered while every provider was down", lr > 0,
                        lr + " last-resort answers " + countBy(results.stream().filter(x -> !"provider".equals(x.source()))
                                .toList(), Result::source));
            }
            if (recoveredAt >= 0) {
                check(checks, primary + " answered again after its fault was cleared", back != null, back == null
                        ? "never, within " + fmt(o.recoveryGrace) + " s of grace after the scenario"
                        : "after " + fmt(round1(back.sentMs() / 1000.0 - recoveredAt)) + " s");
            }
            String primaryId = o.route + ":" + primary + "/";
            if (s.expectBreakerOpen) {
                boolean opened = allTransitions(r).stream().anyMatch(t -> String.valueOf(t.get("target"))
                        .startsWith(primaryId) && "open".equals(t.get("to")));
                check(checks, "the breaker of " + primary + " opened", opened,
                        opened ? "seen in /admin/status" : "no closed->open seen in " + status.polls.get() + " polls");
            }
            if (s.expectNoBreakerOpen) {
                List<String> opened = allTransitions(r).stream().filter(t -> "open".equals(t.get("to")))
                        .map(t -> t.get("target") + " at t=" + t.get("t_s") + "s").distinct().toList();
                check(checks, "no breaker opened (429s are handled by cooldowns, not breakers)", opened.isEmpty(),
                        opened.isEmpty() ? "none" : opened.toString());
            }
            if (s.expectCooldown) {
                double skipped = first == null ? 0 : Alerts.delta(first.values(), lastS.values(),
                        "understudy_attempts_total", l -> "skipped_cooldown".equals(l.get("outcome")));
                boolean seen = !status.cooldownFirstMs.isEmpty() || skipped > 0;
                check(checks, "a Retry-After cooldown was used", seen, status.cooldownFirstMs.size()
                        + " target(s) seen cooling down; " + (long) skipped + " attempts skipped_cooldown");
            }
            if (s.expectWithinDeadline) {
                long late = results.stream().filter(x -> x.latencyMs() > deadlineMs).count();
                long max = results.stream().mapToLong(Result::latencyMs).max().orElse(0);
                check(checks, "every answer within the route deadline (" + deadlineMs + " ms)", late == 0,
                        late + " over; max " + max + " ms");
            }
            r.put("checks", checks);
            // the alerts this fault should (not) trip; informative, reported as ok/WARN
            List<Map<String, Object>> alertChecks = new ArrayList<>();
            Set<String> held = alertRows.stream().map(a -> ((String) a.get("alert")).replaceAll("\\{.*", ""))
                    .collect(Collectors.toSet());
            for (String a : s.expectedAlerts) {
                alertChecks.add(Map.of("alert", a, "expected", "condition true", "ok", held.contains(a)));
            }
            for (String a : s.unexpectedAlerts) {
                alertChecks.add(Map.of("alert", a, "expected", "condition never true", "ok", !held.contains(a)));
            }
            r.put("alert_expectations", alertChecks);
            boolean pass = checks.stream().allMatch(c -> Boolean.TRUE.equals(c.get("ok")));
            r.put("verdict", pass ? "PASS" : "FAIL");
            if (!failed.isEmpty()) {
                r.put("failed_examples", failed.stream().limit(10).map(Support::describe).toList());
            }
            return r;
        }

        @SuppressWarnings("unchecked")
        void printScenario(Map<String, Object> r) {
            System.out.printf(Locale.ROOT, "faults:      %s%n", ((List<Map<String, Object>>) r.get("faults")).stream()
                    .map(e -> "t=" + e.get("t_s") + "s " + e.get("fault")).collect(Collectors.joining("; ")));
            Map<String, Object> lat = (Map<String, Object>) r.get("latency_ms");
            System.out.printf(Locale.ROOT, "requests:    %s sent (%s streaming) in %s s, %s answered, %s failed (%s while a "
                    + "target was live)%n", r.get("sent"), r.get("streaming"), r.get("duration_s"), r.get("answered"),
                    r.get("failed"), r.get("failed_while_a_target_was_live"));
            System.out.printf(Locale.ROOT, "by source:   %s%n", r.get("by_source"));
            System.out.printf(Locale.ROOT, "by provider: %s   fallback answers: %s%n", r.get("by_provider"),
                    r.get("fallback_answers"));
            System.out.printf(Locale.ROOT, "latency ms:  p50 %s  p95 %s  p99 %s  max %s%n", lat.get("p50"), lat.get("p95"),
                    lat.get("p99"), lat.get("max"));
            Map<String, Object> gwm = (Map<String, Object>) r.get("gateway_metrics_delta");
            if (gwm.get("fallbacks_by_reason") != null) {
                System.out.printf(Locale.ROOT, "gateway:     fallbacks by reason %s; attempts %s%n",
                        gwm.get("fallbacks_by_reason"), gwm.get("attempts_by_provider_outcome"));
            }
            List<Map<String, Object>> trans = (List<Map<String, Object>>) r.get("breaker_transitions");
            System.out.printf(Locale.ROOT, "breakers:    (from %s)%n", r.get("breaker_transitions_from"));
            if (trans.isEmpty()) {
                System.out.printf(Locale.ROOT, "             no transition%n");
            }
            for (Map<String, Object> t : trans) {
                System.out.printf(Locale.ROOT, "             t=%5s s  %s %s -> %s%s%n", t.get("t_s"), t.get("target"),
                        t.get("from"), t.get("to"), t.get("delay_ms") == null ? "" : " (delay " + t.get("delay_ms") + " ms)");
            }
            Map<String, Object> cd = (Map<String, Object>) r.get("cooldowns_seen");
            if (!cd.isEmpty()) {
                System.out.printf(Locale.ROOT, "cooldowns:   %s%n", cd);
            }
            if (r.containsKey("primary_answered_again_after_s")) {
                System.out.printf(Locale.ROOT, "recovery:    fault cleared at t=%s s; %s answered again %s%n",
                        r.get("fault_cleared_at_s"), providers.get(0), r.get("primary_answered_again_after_s") == null
                                ? "never" : r.get("primary_answered_again_after_s") + " s later");
            }
            System.out.println("alerts (conditions of understudy-alerts.yaml on this scenario's metric deltas, window "
                    + "min(5m, since start; UnderstudyRouteDown min(2m, …)), without for:):");
            List<Map<String, Object>> alertRows = (List<Map<String, Object>>) r.get("alert_conditions");
            if (alertRows.isEmpty()) {
                System.out.println("             none");
            }
            for (Map<String, Object> a : alertRows) {
                System.out.println("             " + Alerts.describe(a));
            }
            for (Map<String, Object> a : (List<Map<String, Object>>) r.get("alert_expectations")) {
                if (!Boolean.TRUE.equals(a.get("ok"))) {
                    System.out.printf(Locale.ROOT, "             WARN: %s: %s%n", a.get("alert"),
                            "condition true".equals(a.get("expected"))
                                    ? "its condition never held, although this fault should trip it"
                                    : "its condition held, although this fault should not trip it");
                }
            }
            if (r.containsKey("prometheus_alerts_seen")) {
                Map<String, Object> seen = (Map<String, Object>) r.get("prometheus_alerts_seen");
                System.out.println("prometheus:  alerts seen during the scenario (its rate()s look back 5m, so earlier "
                        + "scenarios count too): " + (seen.isEmpty() ? "none" : ""));
                seen.forEach((k, v) -> System.out.println("             " + k + " " + v));
                List<Map<String, Object>> rules = (List<Map<String, Object>>) r.get("prometheus_rules_at_end");
                System.out.println("             rules at end: " + rules.stream().map(x -> x.get("name") + "="
                        + x.get("state") + (Objects.equals(x.get("health"), "ok") ? "" : "(" + x.get("health") + ")"))
                        .collect(Collectors.joining(", ")));
            }
            printChecks(r, "failed_examples", "failed requests (first 10):");
            System.out.println("verdict:     " + r.get("verdict"));
        }
    }
}
