package dev.understudy.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a fake identity provider shares (Google's OAuth endpoint and metadata server, Microsoft Entra ID): a
 * JDK HTTP server on 127.0.0.1, the access tokens it issued with their expiry by its own clock, and a gate
 * that a {@link FakeProvider} playing the model endpoint puts in front of every request, refusing a missing,
 * unknown or expired bearer token the way the real endpoint does.
 */
abstract class TokenServer implements AutoCloseable {

    private final HttpServer server;
    private final String tokenPrefix;
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private volatile Supplier<Instant> clock = Instant::now;
    private volatile Duration lifetime = Duration.ofHours(1);

    TokenServer(String tokenPrefix) {
        this.tokenPrefix = tokenPrefix;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                handle(ex, new String(ex.getRequestBody().readAllBytes(), UTF_8));
            }
        });
        server.start();
    }

    protected abstract void handle(HttpExchange ex, String body) throws IOException;

    /** How the model endpoint refuses a request without a valid token (status and body of the real one). */
    protected abstract Script unauthenticated(String why);

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The clock tokens are issued and checked by (a test's own, so it can move past an expiry). */
    public void clock(Supplier<Instant> clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.get();
    }

    /** How long tokens issued from now on last. */
    public void tokenLifetime(Duration lifetime) {
        this.lifetime = lifetime;
    }

    /** Access tokens issued so far. */
    public int tokensIssued() {
        return count.get();
    }

    /** Why each refused token request was refused, in order. */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    /** Forgets the rejections (issued tokens stay valid). */
    public void reset() {
        rejections.clear();
    }

    /** This issued token expires now (as if its hour had passed), whatever the holder believes. */
    public void expire(String token) {
        issued.computeIfPresent(token, (t, at) -> now().minusSeconds(1));
    }

    /**
     * The gate for the model endpoint's {@link FakeProvider#admit}: a current bearer token passes, as does
     * anything {@code alsoAccepted} lets through (an api-key); anything else is refused.
     */
    public Function<Recorded, Script> gate(Function<Recorded, Boolean> alsoAccepted) {
        return r -> {
            if (alsoAccepted.apply(r)) {
                return null;
            }
            String auth = r.header("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                return unauthenticated("missing");
            }
            Instant expires = issued.get(auth.substring(7));
            if (expires == null) {
                return unauthenticated("unknown");
            }
            return now().isBefore(expires) ? null : unauthenticated("expired");
        };
    }

    /** A new access token and the seconds it lasts, as a token endpoint's JSON answer. */
    protected String issue() {
        String token = tokenPrefix + count.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        issued.put(token, now().plus(lifetime));
        return "{\"access_token\":\"" + token + "\",\"expires_in\":" + lifetime.toSeconds()
                + ",\"token_type\":\"Bearer\"}";
    }

    protected void reject(HttpExchange ex, int status, String error, String description) throws IOException {
        rejections.add(error + ": " + description);
        json(ex, status, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
    }

    protected static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), UTF_8), URLDecoder.decode(pair.substring(eq + 1),
                        UTF_8));
            }
        }
        return params;
    }

    protected static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
