// Observers of a running gateway: breaker states from /admin/status, metric samples from /q/metrics,
// and what a real Prometheus reports pending or firing.

package gameday;

import static gameday.Support.*;

import gameday.Support.*;
import gameday.Traffic.*;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Pollers that watch the gateway while a scenario runs. */
final class Observers {

    private Observers() {
    }

    record Transition(long tMs, String target, String from, String to) {
    }

    /** A daemon thread repeating one step until stopped (each subclass's loop body). */
    abstract static class Poller {
        final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        void repeat(String name, Runnable step) {
            thread = Thread.ofPlatform().daemon().name(name).start(() -> {
                while (running.get()) {
                    step.run();
                }
            });
        }

        /** Ends the loop and waits for it (at most 3 s). */
        void halt() {
            running.set(false);
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static final class StatusPoller extends Poller {
        final Gateway gw;
        final Set<String> routes;
        final long startNanos;
        final Map<String, String> state = new LinkedHashMap<>();
        final List<Transition> transitions = new CopyOnWriteArrayList<>();
        final Map<String, Long> cooldownFirstMs = new ConcurrentHashMap<>();
        final Map<String, Integer> cooldownPolls = new ConcurrentHashMap<>();
        final Map<String, Integer> openPolls = new ConcurrentHashMap<>();
        final Map<String, Long> lastDeadlineMs = new ConcurrentHashMap<>();
        final AtomicInteger polls = new AtomicInteger();

        StatusPoller(Gateway gw, Set<String> routes, long startNanos) {
            this.gw = gw;
            this.routes = routes;
            this.startNanos = startNanos;
        }

        StatusPoller start(long periodMs) {
            poll(); // the initial states, not transitions
            transitions.clear();
            repeat("status", () -> {
                sleepMs(periodMs);
                poll();
            });
            return this;
        }

        @SuppressWarnings("unchecked")
        void poll() {
            Map<String, Object> status;
            try {
                status = gw.status();
            } catch (RuntimeException e) {
                return;
            }
            long t = (System.nanoTime() - startNanos) / 1_000_000;
            polls.incrementAndGet();
            for (Object ro : (List<Object>) status.get("routes")) {
                Map<String, Object> route = (Map<String, Object>) ro;
                String rname = (String) route.get("name");
                if (!routes.contains(rname)) {
                    continue;
                }
                for (Object to : (List<Object>) route.get("targets")) {
                    Map<String, Object> target = (Map<String, Object>) to;
                    String id = rname + ":" + target.get("provider") + "/" + target.get("model");
                    String breaker = String.valueOf(target.get("breaker"));
                    synchronized (state) {
                        String before = state.put(id, breaker);
                        if (before != null && !before.equals(breaker)) {
                            transitions.add(new Transition(t, id, before, breaker));
                        }
                    }
                    if (!"closed".equals(breaker)) {
                        openPolls.merge(id, 1, Integer::sum);
                    }
                    if (target.get("cooldown_until") != null) {
                        cooldownFirstMs.putIfAbsent(id, t);
                        cooldownPolls.merge(id, 1, Integer::sum);
                    }
                }
            }
        }

        void stop() {
            halt();
        }
    }

    record Sample(long tMs, Map<String, Double> values) {
    }

    static final class MetricsSampler extends Poller {
        final Gateway gw;
        final long startNanos;
        final List<Sample> samples = new CopyOnWriteArrayList<>();
        private long next;

        MetricsSampler(Gateway gw, long startNanos) {
            this.gw = gw;
            this.startNanos = startNanos;
        }

        MetricsSampler start(long periodMs) {
            sample();
            next = System.nanoTime();
            repeat("metrics", () -> { // at a fixed rate
                next += periodMs * 1_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (running.get()) {
                    sample();
                }
            });
            return this;
        }

        void sample() {
            Map<String, Double> m = gw.metrics();
            if (!m.isEmpty()) {
                samples.add(new Sample((System.nanoTime() - startNanos) / 1_000_000, m));
            }
        }

        void stop() {
            halt();
            sample();
        }
    }

    /** Polls a real Prometheus for pending/firing alerts. */
    static final class PrometheusWatcher extends Poller {
        final HttpClient http;
        final String url;
        final long startNanos;
        final Map<String, Map<String, Object>> seen = new ConcurrentHashMap<>();
        volatile String error;

        PrometheusWatcher(HttpClient http, String url, long startNanos) {
            this.http = http;
            this.url = url;
            this.startNanos = startNanos;
        }

        PrometheusWatcher start() {
            repeat("prometheus", () -> {
                poll();
                sleepMs(1000);
            });
            return this;
        }

        @SuppressWarnings("unchecked")
        void poll() {
            try {
                Map<String, Object> body = (Map<String, Object>) Json.parse(get(http, url + "/api/v1/alerts"));
                long t = (System.nanoTime() - startNanos) / 1_000_000;
                List<Object> alerts = (List<Object>) ((Map<String, Object>) body.get("data")).get("alerts");
                for (Object ao : alerts) {
                    Map<String, Object> a = (Map<String, Object>) ao;
                    Map<String, Object> labels = (Map<String, Object>) a.get("labels");
                    String key = labels.get("alertname") + labelSuffix(labels) + (ours(labels) ? ""
                            : " (not the game-day route)");
                    String st = String.valueOf(a.get("state"));
                    Map<String, Object> rec = seen.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
                    rec.putIfAbsent("first_" + st + "_ms", t);
                    rec.put("last_state", st);
                    rec.put("active_at", String.valueOf(a.get("activeAt")));
                }
            } catch (Exception e) {
                error = e.toString();
            }
        }

        Set<String> routes = Set.of();
        Set<String> providers = Set.of();

        boolean ours(Map<String, Object> labels) {
            Object r = labels.get("route");
            Object p = labels.get("provider");
            return (r == null || routes.contains(r)) && (p == null || providers.contains(p));
        }

        static String labelSuffix(Map<String, Object> labels) {
            List<String> parts = new ArrayList<>();
            for (String k : List.of("route", "provider", "model")) {
                if (labels.get(k) != null) {
                    parts.add(labels.get(k).toString());
                }
            }
            return parts.isEmpty() ? "" : "{" + String.join("/", parts) + "}";
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rules() {
            List<Map<String, Object>> out = new ArrayList<>();
            try {
                Map<String, Object> body = (Map<String, Object>) Json.parse(get(http, url + "/api/v1/rules"));
                for (Object go : (List<Object>) ((Map<String, Object>) body.get("data")).get("groups")) {
                    for (Object ro : (List<Object>) ((Map<String, Object>) go).get("rules")) {
                        Map<String, Object> r = (Map<String, Object>) ro;
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("name", r.get("name"));
                        row.put("state", r.get("state"));
                        row.put("health", r.get("health"));
                        row.put("active_alerts", r.get("alerts") instanceof List<?> l ? l.size() : 0);
                        if (r.get("lastError") != null && !"".equals(r.get("lastError"))) {
                            row.put("last_error", r.get("lastError"));
                        }
                        out.add(row);
                    }
                }
            } catch (Exception e) {
                error = e.toString();
            }
            return out;
        }

        void stop() {
            halt();
            poll();
        }
    }

    static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " -> " + r.statusCode());
        }
        return r.body();
    }
}
