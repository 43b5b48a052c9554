// The gateway over HTTP (requests, results, readiness, admin calls) and the steady load of the game day.

package gameday;

import static gameday.Support.*;

import gameday.GameDay.*;
import gameday.Support.*;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** The gateway over HTTP, and steady load at a fixed rate (one virtual thread per request). */
final class Traffic {

    private Traffic() {
    }

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
}
