// Understudy game-day runner and soak test: a single-file Java 21+ program, no dependencies.
//
//   java deploy/gameday/GameDay.java [gameday] --url http://127.0.0.1:PORT [--quick] [options]
//   java deploy/gameday/GameDay.java soak --url http://127.0.0.1:PORT [--pid PID] [--minutes 10] [options]
//
// `gameday` plays outage scenarios against a running gateway through POST /admin/chaos while steady
// mixed traffic (streaming and not) flows, and reports per scenario: requests answered, by which source
// and provider, fallbacks, p50/p95/p99 latency, breaker transitions (polled from /admin/status), and the
// alerts of deploy/prometheus/understudy-alerts.yaml whose condition holds (evaluated on the gateway's
// own metrics; and, with --prometheus, what a real Prometheus says). Each scenario has expectations and
// a PASS/FAIL; the exit code is 1 when one fails. `soak` runs mixed traffic with chaos toggled every
// ~30 s and watches the gateway's heap and RSS for a growth trend. See deploy/gameday/README.md.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

public class GameDay {

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gameday: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        int code;
        try {
            Gateway gw = new Gateway(o);
            gw.awaitReady(Duration.ofSeconds(30));
            code = o.mode.equals("soak") ? new Soak(o, gw).run() : new GameDayRun(o, gw).run();
        } catch (IllegalStateException e) {
            System.err.println("gameday: " + e.getMessage()); // e.g. a 401/403 of /admin: --admin-key
            code = 2;
        }
        System.exit(code);
    }

    // ------------------------------------------------------------------------------------------------
    // Options

    static final class Options {
        static final String USAGE = """
                usage: java GameDay.java [gameday|soak] --url URL [options]
                  common:  --url URL            the gateway (required)
                           --api-key KEY        caller key (Authorization: Bearer) for /v1/*
                           --admin-key KEY      admin key for /admin/* (default: the api key)
                           --route NAME         the game-day route (default gameday)
                           --rate N             requests per second (default 20 gameday, 30 soak)
                           --json PATH          JSON report (default gameday-report.json / soak-report.json)
                           --rules PATH         alert rules (default deploy/prometheus/understudy-alerts.yaml)
                           --prometheus URL     a Prometheus scraping the gateway with those rules (optional)
                  gameday: --scenario-seconds N (default 60)   --quick (10 s scenarios)
                           --scenarios a,b,...  of primary-outage, rate-limit-surge, degradation, flapping, blackout
                           --flap-seconds N     outage on/off period of the flapping scenario (default 3; quick 1)
                           --recovery-grace N   extra seconds to wait for the primary to be used again (default 12)
                  soak:    --minutes N (default 10)  --warmup-seconds N (default 30)  --chaos-seconds N (default 30)
                           --sample-seconds N (default 10)  --pid PID (RSS from /proc, forced GC with jcmd)
                  both:    --gateway-log PATH   the gateway's console log: exact breaker transitions (run.sh sets it)
                           --cached-route NAME (default gameday-cached)  --max-heap-slope MiB/min (default 1.0)
                """;

        String mode = "gameday";
        String url;
        String apiKey;
        String adminKey;
        String route = "gameday";
        String cachedRoute = "gameday-cached";
        double rate = -1;
        String json;
        String rules;
        String prometheus;
        double scenarioSeconds = 60;
        boolean quick;
        List<String> scenarios = new ArrayList<>(List.of("primary-outage", "rate-limit-surge", "degradation",
                "flapping", "blackout"));
        double flapSeconds = -1;
        double recoveryGrace = 12;
        double minutes = 10;
        double warmupSeconds = 30;
        double chaosSeconds = 30;
        double sampleSeconds = 10;
        long pid = -1;
        String gatewayLog;
        double maxHeapSlope = 1.0;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            boolean secondsGiven = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    if (!a.equals("gameday") && !a.equals("soak")) {
                        throw new IllegalArgumentException("unknown mode '" + a + "'");
                    }
                    o.mode = a;
                    continue;
                }
                String key = a;
                String value = null;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    key = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                if (key.equals("--quick")) {
                    o.quick = true;
                    continue;
                }
                if (key.equals("--help") || key.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(key + " needs a value");
                    }
                    value = args[++i];
                }
                switch (key) {
                    case "--url" -> o.url = value.replaceAll("/+$", "");
                    case "--api-key" -> o.apiKey = value;
                    case "--admin-key" -> o.adminKey = value;
                    case "--route" -> o.route = value;
                    case "--cached-route" -> o.cachedRoute = value;
                    case "--rate" -> o.rate = Double.parseDouble(value);
                    case "--json" -> o.json = value;
                    case "--rules" -> o.rules = value;
                    case "--prometheus" -> o.prometheus = value.isBlank() ? null : value.replaceAll("/+$", "");
                    case "--scenario-seconds" -> {
                        o.scenarioSeconds = Double.parseDouble(value);
                        secondsGiven = true;
                    }
                    case "--scenarios" -> o.scenarios = new ArrayList<>(List.of(value.split(",")));
                    case "--flap-seconds" -> o.flapSeconds = Double.parseDouble(value);
                    case "--recovery-grace" -> o.recoveryGrace = Double.parseDouble(value);
                    case "--minutes" -> o.minutes = Double.parseDouble(value);
                    case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(value);
                    case "--chaos-seconds" -> o.chaosSeconds = Double.parseDouble(value);
                    case "--sample-seconds" -> o.sampleSeconds = Double.parseDouble(value);
                    case "--pid" -> o.pid = Long.parseLong(value);
                    case "--gateway-log" -> o.gatewayLog = value;
                    case "--max-heap-slope" -> o.maxHeapSlope = Double.parseDouble(value);
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            }
            if (o.help) {
                return o;
            }
            if (o.url == null) {
                throw new IllegalArgumentException("--url is required");
            }
            if (o.quick && !secondsGiven) {
                o.scenarioSeconds = 10;
            }
            if (o.rate <= 0) {
                o.rate = o.mode.equals("soak") ? 30 : 20;
            }
            if (o.flapSeconds <= 0) {
                o.flapSeconds = o.scenarioSeconds <= 20 ? 1 : 3;
            }
            if (o.adminKey == null) {
                o.adminKey = o.apiKey;
            }
            if (o.json == null) {
                o.json = o.mode.equals("soak") ? "soak-report.json" : "gameday-report.json";
            }
            if (o.rules == null) {
                for (Path p : List.of(Path.of("deploy/prometheus/understudy-alerts.yaml"),
                        Path.of("../prometheus/understudy-alerts.yaml"))) {
                    if (Files.exists(p)) {
                        o.rules = p.toString();
                        break;
                    }
                }
            }
            for (String s : o.scenarios) {
                if (!Scenario.NAMES.contains(s)) {
                    throw new IllegalArgumentException("unknown scenario '" + s + "' (known: " + Scenario.NAMES + ")");
                }
            }
            return o;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The gateway, over HTTP

    /** One request the load sends. */
    record Spec(String kind, String path, String body, boolean stream, boolean anthropic, boolean expectError,
            Map<String, String> headers) {
    }

    /** What one request got. t and latency in ms from the start of the run/scenario. */
    record Result(String kind, long sentMs, long latencyMs, int status, String source, String provider,
            boolean fallback, int attempts, boolean complete, boolean expectError, boolean live, String error) {

        boolean answered() {
            return status >= 200 && status < 300 && complete;
        }

        /** As expected: answered, or (a deliberately bad request) a 4xx. */
        boolean ok() {
            return expectError ? status >= 400 && status < 500 : answered();
        }
    }

    static final class Gateway {
        final String url;
        final String apiKey;
        final String adminKey;
        final HttpClient http;
        final Duration requestTimeout = Duration.ofSeconds(30);

        Gateway(Options o) {
            this.url = o.url;
            this.apiKey = o.apiKey;
            this.adminKey = o.adminKey;
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(3))
                    .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        }

        void awaitReady(Duration limit) {
            long end = System.nanoTime() + limit.toNanos();
            String last = "";
            while (System.nanoTime() < end) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                    last = "HTTP " + r.statusCode();
                } catch (IOException e) {
                    last = e.toString();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                sleepMs(200);
            }
            throw new IllegalStateException("gateway at " + url + " not ready within " + limit + ": " + last);
        }

        HttpResponse<String> admin(String method, String path, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10));
            if (adminKey != null) {
                b.header("Authorization", "Bearer " + adminKey);
            }
            if (body != null) {
                b.header("content-type", "application/json");
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() >= 300) {
                    throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
                }
                return r;
            } catch (IOException e) {
                throw new IllegalStateException(method + " " + path + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> status() {
            return (Map<String, Object>) Json.parse(admin("GET", "/admin/status", null).body());
        }

        /** understudy_* and jvm_* series of /q/metrics, keyed name{label="v",...} (labels sorted). */
        Map<String, Double> metrics() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10));
            if (adminKey != null) {
                b.header("Authorization", "Bearer " + adminKey);
            }
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return Metrics.parse(r.body());
            } catch (IOException e) {
                return Map.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Map.of();
            }
        }

        void resetAll() {
            admin("DELETE", "/admin/chaos", null);
            admin("POST", "/admin/breakers/reset", null);
            admin("DELETE", "/admin/cache", null);
        }

        void chaos(String provider, String faultJson) {
            String body = "{\"provider\":" + Json.quote(provider) + (faultJson.isEmpty() ? "" : "," + faultJson) + "}";
            admin("POST", "/admin/chaos", body);
        }

        void clearChaos(String provider) {
            admin("DELETE", "/admin/chaos" + (provider == null ? ""
                    : "?provider=" + URLEncoder.encode(provider, StandardCharsets.UTF_8)), null);
        }

        /** Sends one request and reads it to the end (a stream: every event). Never throws. */
        Result send(Spec s, long sentMs, boolean live) {
            long t0 = System.nanoTime();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + s.path())).timeout(requestTimeout)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(s.body()));
            if (apiKey != null) {
                b.header("Authorization", "Bearer " + apiKey);
            }
            if (s.anthropic()) {
                b.header("anthropic-version", "2023-06-01");
            }
            s.headers().forEach(b::header);
            try {
                HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = r.statusCode();
                boolean complete;
                String error = null;
                try (InputStream in = r.body()) {
                    if (s.stream() && status == 200) {
                        complete = false;
                        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                        String line;
                        while ((line = reader.readLine()) != null) {
                            if (s.anthropic()) {
                                if (line.equals("event: message_stop")) {
                                    complete = true;
                                } else if (line.equals("event: error")) {
                                    error = "in-band error event";
                                }
                            } else if (line.equals("data: [DONE]")) {
                                complete = true;
                            } else if (line.startsWith("data: {\"error\"")) {
                                error = "in-band error: " + line.substring(6, Math.min(line.length(), 200));
                            }
                        }
                        if (!complete && error == null) {
                            error = "stream ended without its terminator";
                        }
                    } else {
                        byte[] bytes = in.readAllBytes();
                        complete = true;
                        if (status >= 300) {
                            String text = new String(bytes, StandardCharsets.UTF_8);
                            error = "HTTP " + status + ": " + text.substring(0, Math.min(300, text.length()));
                        }
                    }
                }
                long latency = (System.nanoTime() - t0) / 1_000_000;
                String source = r.headers().firstValue("x-understudy-source").orElse("-");
                String provider = r.headers().firstValue("x-understudy-provider").orElse("-");
                boolean fallback = r.headers().firstValue("x-understudy-fallback").map("true"::equals).orElse(false);
                int attempts = r.headers().firstValue("x-understudy-attempts").map(Integer::parseInt).orElse(0);
                return new Result(s.kind(), sentMs, latency, status, source, provider, fallback, attempts, complete,
                        s.expectError(), live, error);
            } catch (Exception e) {
                long latency = (System.nanoTime() - t0) / 1_000_000;
                return new Result(s.kind(), sentMs, latency, 0, "-", "-", false, 0, false, s.expectError(), live,
                        e.toString());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Steady load at a fixed rate, one virtual thread per request

    static final class Load {
        final Gateway gw;
        final double rate;
        final long startNanos;
        final java.util.function.LongFunction<Spec> specs;
        final Predicate<Spec> live;
        final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sent = new AtomicLong();
        Thread ticker;

        Load(Gateway gw, double rate, long startNanos, java.util.function.LongFunction<Spec> specs,
                Predicate<Spec> live) {
            this.gw = gw;
            this.rate = rate;
            this.startNanos = startNanos;
            this.specs = specs;
            this.live = live;
        }

        Load start() {
            long period = (long) (1e9 / rate);
            ticker = Thread.ofPlatform().daemon().name("load").start(() -> {
                long next = System.nanoTime();
                long i = 0;
                while (running.get()) {
                    next += period;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (!running.get()) {
                        break;
                    }
                    Spec s = specs.apply(i++);
                    long sentMs = (System.nanoTime() - startNanos) / 1_000_000;
                    boolean isLive = live.test(s);
                    inFlight.incrementAndGet();
                    sent.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try {
                            results.add(gw.send(s, sentMs, isLive));
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    });
                }
            });
            return this;
        }

        /** Stops sending and waits (bounded by the request timeout) for the requests in flight. */
        List<Result> stop() {
            running.set(false);
            try {
                ticker.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long end = System.nanoTime() + gw.requestTimeout.plusSeconds(5).toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < end) {
                sleepMs(20);
            }
            return List.copyOf(results);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Observers: breaker states from /admin/status, metric samples from /q/metrics, Prometheus alerts

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

    // ------------------------------------------------------------------------------------------------
    // Alert conditions of understudy-alerts.yaml, evaluated on the gateway's own metric deltas

    static final class Alerts {
        /** alert name -> its for: duration, read from the rules file (defaults if it cannot be read). */
        final Map<String, Duration> forDurations = new LinkedHashMap<>();

        Alerts(String rulesPath) {
            forDurations.put("UnderstudyFallbackInUse", Duration.ofMinutes(10));
            forDurations.put("UnderstudyCircuitOpen", Duration.ofMinutes(5));
            forDurations.put("UnderstudyRouteDown", Duration.ofMinutes(2));
            forDurations.put("UnderstudyLastResortAnswers", Duration.ofMinutes(5));
            forDurations.put("UnderstudyQueueDepth", Duration.ofMinutes(10));
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

    // ------------------------------------------------------------------------------------------------
    // The game day

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
                r.put("failed_examples", failed.stream().limit(10).map(GameDay::describe).toList());
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

    // ------------------------------------------------------------------------------------------------
    // The soak

    static final class Soak {
        final Options o;
        final Gateway gw;
        final Map<String, List<String>> routeProviders = new LinkedHashMap<>();
        final Set<String> down = ConcurrentHashMap.newKeySet();
        final String jcmd;

        Soak(Options o, Gateway gw) {
            this.o = o;
            this.gw = gw;
            Path j = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            this.jcmd = o.pid > 0 && Files.isExecutable(j) ? j.toString() : null;
        }

        @SuppressWarnings("unchecked")
        void discover() {
            for (Object ro : (List<Object>) gw.status().get("routes")) {
                Map<String, Object> r = (Map<String, Object>) ro;
                String name = (String) r.get("name");
                if (name.equals(o.route) || name.equals(o.cachedRoute)) {
                    List<String> ps = new ArrayList<>();
                    for (Object to : (List<Object>) r.get("targets")) {
                        String p = (String) ((Map<String, Object>) to).get("provider");
                        if (!ps.contains(p)) {
                            ps.add(p);
                        }
                    }
                    routeProviders.put(name, ps);
                }
            }
            if (!routeProviders.containsKey(o.route)) {
                throw new IllegalStateException("no route '" + o.route + "': start the gateway with deploy/gameday/gameday.yaml");
            }
        }

        boolean live(String route) {
            List<String> ps = routeProviders.get(route);
            return ps == null || ps.stream().anyMatch(p -> !down.contains(p));
        }

        /** The traffic mix, by i mod 50. */
        Spec spec(long i) {
            int k = (int) (i % 50);
            String route = o.route;
            String q = POOL[(int) ((i / 50 + i) % POOL.length)];
            if (k < 18) { // 36% chat, non-streaming
                return chat("chat", route, q, false, Map.of());
            } else if (k < 28) { // 20% chat, streaming
                return chat("chat-stream", route, q, true, Map.of());
            } else if (k < 35) { // 14% messages, non-streaming
                return messages("messages", route, q, false);
            } else if (k < 40) { // 10% messages, streaming
                return messages("messages-stream", route, q, true);
            } else if (k < 44 && routeProviders.containsKey(o.cachedRoute)) { // 8% cache-first route: cache hits
                String cq = POOL[(int) (i % 3)];
                return chat("cached", o.cachedRoute, cq, (i & 1) == 0, Map.of());
            } else if (k < 46) { // 4% new questions, not cached (no legitimate growth of the cache)
                return chat("unique", route, "Soak question " + i + ": what time is it?", false,
                        Map.of("x-understudy-no-cache", "true"));
            }
            String body = switch (k % 4) { // 8% bad requests
                case 0 -> "{\"model\":" + Json.quote(route) + ",\"messages\":[";
                case 1 -> "{\"model\":" + Json.quote(route) + "}";
                case 2 -> "{\"model\":\"no-such-route\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                default -> "{\"model\":" + Json.quote(route) + ",\"messages\":\"hi\"}";
            };
            return new Spec("bad", "/v1/chat/completions", body, false, false, true, Map.of());
        }

        Spec chat(String kind, String route, String q, boolean stream, Map<String, String> headers) {
            String body = "{\"model\":" + Json.quote(route) + ",\"messages\":[{\"role\":\"user\",\"content\":"
                    + Json.quote(q) + "}]" + (stream ? ",\"stream\":true" : "") + "}";
            return new Spec(kind, "/v1/chat/completions", body, stream, false, false, headers);
        }

        Spec messages(String kind, String route, String q, boolean stream) {
            String body = "{\"model\":" + Json.quote(route) + ",\"max_tokens\":200,\"messages\":[{\"role\":\"user\","
                    + "\"content\":" + Json.quote(q) + "}]" + (stream ? ",\"stream\":true" : "") + "}";
            return new Spec(kind, "/v1/messages", body, stream, true, false, Map.of());
        }

        /** The chaos cycle: one phase per --chaos-seconds, always leaving a target of the game-day route live. */
        List<Map.Entry<String, Runnable>> phases() {
            List<String> ps = routeProviders.get(o.route);
            String p1 = ps.get(0);
            String p2 = ps.get(1);
            List<Map.Entry<String, Runnable>> l = new ArrayList<>();
            l.add(Map.entry("calm", () -> { }));
            l.add(Map.entry("outage " + p1, () -> {
                gw.chaos(p1, "\"outage\":true");
                down.add(p1);
            }));
            l.add(Map.entry("calm", () -> { }));
            l.add(Map.entry("429 storm on " + p1, () -> {
                gw.chaos(p1, "\"rate-limit\":true");
                down.add(p1);
            }));
            l.add(Map.entry("error-rate 0.5 (502) on " + p2 + ", latency 2s on " + p1, () -> {
                gw.chaos(p2, "\"error-rate\":0.5,\"status\":502");
                gw.chaos(p1, "\"latency\":\"2s\"");
            }));
            l.add(Map.entry("calm", () -> { }));
            l.add(Map.entry("outage " + p1 + " and " + p2, () -> {
                gw.chaos(p1, "\"outage\":true");
                gw.chaos(p2, "\"outage\":true");
                down.add(p1);
                down.add(p2);
            }));
            return l;
        }

        static String rss(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return line.replaceAll("[^0-9]", "");
                    }
                }
            } catch (IOException e) {
                return null;
            }
            return null;
        }

        void forceGc() {
            if (jcmd == null) {
                return;
            }
            try {
                Process p = new ProcessBuilder(jcmd, String.valueOf(o.pid), "GC.run").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                // no jcmd after all: the regression uses the per-minute minimum
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        record MemSample(double tS, double heapMiB, double oldGenMiB, double rssMiB, boolean afterForcedGc) {
        }

        MemSample memSample(double tS, boolean afterGc) {
            Map<String, Double> m = gw.metrics();
            double heap = 0;
            double old = 0;
            for (Map.Entry<String, Double> e : m.entrySet()) {
                if (e.getKey().startsWith("jvm_memory_used_bytes{") && "heap".equals(Metrics.label(e.getKey(), "area"))) {
                    heap += e.getValue();
                    if (Metrics.label(e.getKey(), "id").contains("Old") || Metrics.label(e.getKey(), "id").contains("Tenured")) {
                        old += e.getValue();
                    }
                }
            }
            String rss = o.pid > 0 ? rss(o.pid) : null;
            return new MemSample(round1(tS), round1(heap / MiB), round1(old / MiB),
                    rss == null ? -1 : round1(Long.parseLong(rss) / 1024.0), afterGc);
        }

        int run() throws IOException {
            discover();
            double total = o.minutes * 60;
            System.out.printf(Locale.ROOT, "Understudy soak against %s: %s min at %s req/s (+%s s warm-up), chaos phase every %s s,"
                    + " memory sample every %s s%s%n", o.url, fmt(o.minutes), fmt(o.rate), fmt(o.warmupSeconds),
                    fmt(o.chaosSeconds), fmt(o.sampleSeconds), o.pid > 0 ? ", pid " + o.pid
                            + (jcmd != null ? " (forced GC with jcmd each minute)" : "") : " (no --pid: no RSS, no forced GC)");
            gw.resetAll();
            long start = System.nanoTime();
            Load realLoad = new Load(gw, o.rate, start, this::spec,
                    spec -> live(Json.routeOf(spec.body()))).start();
            List<MemSample> mem = new ArrayList<>();
            List<Map<String, Object>> phaseLog = new ArrayList<>();
            List<Map.Entry<String, Runnable>> phases = phases();
            double warm = o.warmupSeconds;
            double end = warm + total;
            double nextSample = warm;
            double nextPhase = warm;
            double nextGc = warm;
            int phase = 0;
            while (true) {
                double now = (System.nanoTime() - start) / 1e9;
                if (now >= end) {
                    break;
                }
                if (now >= nextPhase) {
                    gw.clearChaos(null);
                    down.clear();
                    Map.Entry<String, Runnable> ph = phases.get(phase++ % phases.size());
                    ph.getValue().run();
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("t_s", round1(now));
                    e.put("phase", ph.getKey());
                    phaseLog.add(e);
                    System.out.printf(Locale.ROOT, "t=%6.1f s  chaos: %s%n", now, ph.getKey());
                    nextPhase += o.chaosSeconds;
                }
                if (now >= nextGc && jcmd != null) {
                    forceGc();
                    MemSample ms = memSample((System.nanoTime() - start) / 1e9, true);
                    mem.add(ms);
                    System.out.printf(Locale.ROOT, "t=%6.1f s  after forced GC: heap %.1f MiB, RSS %.1f MiB%n", ms.tS(),
                            ms.heapMiB(), ms.rssMiB());
                    nextGc += 60;
                }
                if (now >= nextSample) {
                    MemSample ms = memSample(now, false);
                    mem.add(ms);
                    System.out.printf(Locale.ROOT, "t=%6.1f s  heap %.1f MiB (old gen %.1f), RSS %.1f MiB, %d sent%n", ms.tS(),
                            ms.heapMiB(), ms.oldGenMiB(), ms.rssMiB(), realLoad.sent.get());
                    nextSample += o.sampleSeconds;
                }
                double wake = Math.min(end, Math.min(nextPhase, Math.min(nextSample, jcmd != null ? nextGc : end)));
                sleepMs((long) Math.max(1, (wake - (System.nanoTime() - start) / 1e9) * 1000));
            }
            gw.clearChaos(null);
            down.clear();
            List<Result> all = realLoad.stop();
            forceGc();
            MemSample last = memSample((System.nanoTime() - start) / 1e9, jcmd != null);
            mem.add(last);
            return report(all, mem, phaseLog, warm, end);
        }

        int report(List<Result> all, List<MemSample> mem, List<Map<String, Object>> phaseLog, double warm, double end)
                throws IOException {
            List<Result> results = all.stream().filter(r -> r.sentMs() >= warm * 1000).toList();
            long failedLive = results.stream().filter(r -> !r.ok() && r.live()).count();
            long failed = results.stream().filter(r -> !r.ok()).count();
            long bad5xx = results.stream().filter(r -> r.expectError() && (r.status() >= 500 || r.status() < 400)).count();
            Map<String, Object> rep = new LinkedHashMap<>();
            rep.put("kind", "soak");
            rep.put("gateway", o.url);
            rep.put("minutes", o.minutes);
            rep.put("rate_per_s", o.rate);
            rep.put("warmup_s", warm);
            rep.put("requests", results.size());
            rep.put("requests_in_warmup", all.size() - results.size());
            rep.put("by_kind", countBy(results, Result::kind));
            rep.put("by_status", countBy(results, r -> String.valueOf(r.status())));
            rep.put("by_source", countBy(results, Result::source));
            rep.put("by_provider", countBy(results.stream().filter(Result::answered).toList(), Result::provider));
            rep.put("not_as_expected", failed);
            rep.put("failed_while_a_target_was_live", failedLive);
            rep.put("bad_requests_not_answered_4xx", bad5xx);
            rep.put("latency_ms", percentiles(results.stream().filter(r -> !r.expectError() && r.answered())
                    .map(Result::latencyMs).toList()));
            rep.put("chaos_phases", phaseLog);
            // per minute
            List<Map<String, Object>> minutes = new ArrayList<>();
            int nMin = (int) Math.ceil((end - warm) / 60.0 - 1e-9);
            List<double[]> minHeap = new ArrayList<>();
            List<double[]> gcHeap = new ArrayList<>();
            List<double[]> rssPts = new ArrayList<>();
            for (int m = 0; m < nMin; m++) {
                double a = warm + m * 60;
                double b = Math.min(end, a + 60);
                List<Result> in = results.stream().filter(r -> r.sentMs() >= a * 1000 && r.sentMs() < b * 1000).toList();
                List<MemSample> ms = mem.stream().filter(x -> !x.afterForcedGc() && x.tS() >= a && x.tS() < b).toList();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("minute", m + 1);
                row.put("requests", in.size());
                row.put("not_as_expected", in.stream().filter(r -> !r.ok()).count());
                row.put("p99_ms", percentiles(in.stream().filter(r -> !r.expectError() && r.answered())
                        .map(Result::latencyMs).toList()).get("p99"));
                double mh = ms.stream().mapToDouble(MemSample::heapMiB).min().orElse(Double.NaN);
                double mr = ms.stream().mapToDouble(MemSample::rssMiB).max().orElse(Double.NaN);
                MemSample gc = mem.stream().filter(x -> x.afterForcedGc() && x.tS() >= a && x.tS() < b).findFirst().orElse(null);
                row.put("min_heap_mib", Double.isNaN(mh) ? null : mh);
                row.put("heap_after_forced_gc_mib", gc == null ? null : gc.heapMiB());
                row.put("max_rss_mib", Double.isNaN(mr) || mr < 0 ? null : mr);
                if (!Double.isNaN(mh)) {
                    minHeap.add(new double[] {m + 1, mh});
                }
                if (gc != null) {
                    gcHeap.add(new double[] {gc.tS() / 60.0, gc.heapMiB()});
                }
                if (!Double.isNaN(mr) && mr > 0) {
                    rssPts.add(new double[] {m + 1, mr});
                }
                minutes.add(row);
            }
            MemSample lastGc = mem.get(mem.size() - 1);
            if (lastGc.afterForcedGc()) {
                gcHeap.add(new double[] {lastGc.tS() / 60.0, lastGc.heapMiB()});
            }
            rep.put("per_minute", minutes);
            rep.put("memory_samples", mem.stream().map(x -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("t_s", x.tS());
                s.put("heap_mib", x.heapMiB());
                s.put("old_gen_mib", x.oldGenMiB());
                s.put("rss_mib", x.rssMiB() < 0 ? null : x.rssMiB());
                s.put("after_forced_gc", x.afterForcedGc());
                return s;
            }).toList());
            List<MemSample> regular = mem.stream().filter(x -> !x.afterForcedGc()).toList();
            MemSample first = regular.stream().filter(x -> x.tS() >= warm).findFirst().orElse(mem.get(0));
            MemSample lastRegular = regular.isEmpty() ? last(mem) : last(regular);
            MemSample firstGc = mem.stream().filter(MemSample::afterForcedGc).findFirst().orElse(null);
            Map<String, Object> memRep = new LinkedHashMap<>();
            memRep.put("heap_start_mib", first.heapMiB());
            memRep.put("heap_end_mib", lastRegular.heapMiB());
            memRep.put("heap_after_forced_gc_start_mib", firstGc == null ? null : firstGc.heapMiB());
            memRep.put("heap_after_forced_gc_end_mib", lastGc.afterForcedGc() ? lastGc.heapMiB() : null);
            memRep.put("rss_start_mib", first.rssMiB() < 0 ? null : first.rssMiB());
            memRep.put("rss_end_mib", lastRegular.rssMiB() < 0 ? null : lastRegular.rssMiB());
            Double slopeGc = gcHeap.size() >= 3 ? round2(slope(gcHeap)) : null;
            Double slopeMin = minHeap.size() >= 3 ? round2(slope(minHeap)) : null;
            Double slopeRss = rssPts.size() >= 3 ? round2(slope(rssPts)) : null;
            memRep.put("slope_heap_after_forced_gc_mib_per_min", slopeGc);
            memRep.put("slope_min_heap_per_minute_mib_per_min", slopeMin);
            memRep.put("slope_max_rss_per_minute_mib_per_min", slopeRss);
            rep.put("memory", memRep);
            Double trend = slopeGc != null ? slopeGc : slopeMin;
            boolean noGrowth = trend == null || trend < o.maxHeapSlope;
            List<Map<String, Object>> checks = new ArrayList<>();
            check(checks, "no request failed while a target was live", failedLive == 0, failedLive + " failed");
            check(checks, "bad requests answered with a 4xx (never a 5xx)", bad5xx == 0, bad5xx + " not 4xx");
            check(checks, "no heap growth trend (slope < " + fmt(o.maxHeapSlope) + " MiB/min)", noGrowth,
                    trend == null ? "too short to tell" : trend + " MiB/min (" + (slopeGc != null
                            ? "heap after forced GC" : "minimum heap per minute") + ")");
            rep.put("checks", checks);
            boolean pass = checks.stream().allMatch(c -> Boolean.TRUE.equals(c.get("ok")));
            rep.put("verdict", pass ? "PASS" : "FAIL");
            List<Result> notOk = results.stream().filter(r -> !r.ok()).toList();
            if (!notOk.isEmpty()) {
                rep.put("not_as_expected_examples", notOk.stream().limit(20).map(GameDay::describe).toList());
            }
            Files.writeString(Path.of(o.json), Json.write(rep) + "\n");
            printReport(rep);
            return pass ? 0 : 1;
        }

        @SuppressWarnings("unchecked")
        void printReport(Map<String, Object> rep) {
            System.out.printf(Locale.ROOT, "%n== soak report%n");
            System.out.printf(Locale.ROOT, "requests:        %s after warm-up (%s in warm-up), %s not as expected, %s failed while a "
                    + "target was live%n", rep.get("requests"), rep.get("requests_in_warmup"), rep.get("not_as_expected"),
                    rep.get("failed_while_a_target_was_live"));
            System.out.printf(Locale.ROOT, "by kind:         %s%n", rep.get("by_kind"));
            System.out.printf(Locale.ROOT, "by status:       %s%n", rep.get("by_status"));
            System.out.printf(Locale.ROOT, "by source:       %s%n", rep.get("by_source"));
            System.out.printf(Locale.ROOT, "by provider:     %s%n", rep.get("by_provider"));
            Map<String, Object> lat = (Map<String, Object>) rep.get("latency_ms");
            System.out.printf(Locale.ROOT, "latency ms:      p50 %s  p95 %s  p99 %s  max %s (answered, bad requests excluded)%n",
                    lat.get("p50"), lat.get("p95"), lat.get("p99"), lat.get("max"));
            System.out.printf(Locale.ROOT, "%n%6s %9s %8s %8s %14s %20s %12s%n", "minute", "requests", "not ok", "p99 ms",
                    "min heap MiB", "heap after GC MiB", "max RSS MiB");
            for (Map<String, Object> row : (List<Map<String, Object>>) rep.get("per_minute")) {
                System.out.printf(Locale.ROOT, "%6s %9s %8s %8s %14s %20s %12s%n", row.get("minute"), row.get("requests"),
                        row.get("not_as_expected"), row.get("p99_ms"), nz(row.get("min_heap_mib")),
                        nz(row.get("heap_after_forced_gc_mib")), nz(row.get("max_rss_mib")));
            }
            Map<String, Object> m = (Map<String, Object>) rep.get("memory");
            System.out.printf(Locale.ROOT, "%nheap used (sampled, after warm-up): %s MiB at start, %s MiB at end; after a forced GC: %s MiB at start, %s MiB at end%n",
                    m.get("heap_start_mib"), m.get("heap_end_mib"), nz(m.get("heap_after_forced_gc_start_mib")),
                    nz(m.get("heap_after_forced_gc_end_mib")));
            System.out.printf(Locale.ROOT, "RSS: %s MiB at start, %s MiB at end%n", nz(m.get("rss_start_mib")),
                    nz(m.get("rss_end_mib")));
            System.out.printf(Locale.ROOT, "trend (least squares): heap after forced GC %s MiB/min; minimum heap per minute %s "
                    + "MiB/min; max RSS per minute %s MiB/min%n", nz(m.get("slope_heap_after_forced_gc_mib_per_min")),
                    nz(m.get("slope_min_heap_per_minute_mib_per_min")), nz(m.get("slope_max_rss_per_minute_mib_per_min")));
            printChecks(rep, "not_as_expected_examples", "requests not as expected (first 20):");
            System.out.printf(Locale.ROOT, "verdict: %s   (JSON report: %s)%n", rep.get("verdict"), o.json);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Small helpers: statistics, Prometheus text, JSON

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
