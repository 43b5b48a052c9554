package dev.understudy.provider.auth;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.HttpErrors;
import dev.understudy.provider.http.UpstreamClient;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * A short-lived secret fetched over the network (temporary AWS credentials, an OAuth access token) and kept
 * in memory. Requests are answered from memory; {@value #REFRESH_MINUTES} minutes before expiry one request
 * starts a refresh in the background and keeps using the old value, and only a value within a minute of
 * expiry (or none yet) makes a request wait. One fetch at a time; after a failed fetch, requests fail fast
 * for a second instead of each trying again. Everything is non-blocking: fetches are Vert.x HTTP exchanges
 * and file reads.
 *
 * @param <T> the secret; {@link #expiration} says when it stops working (null: never)
 */
public abstract class Refreshing<T> {

    private static final Logger LOG = Logger.getLogger(Refreshing.class);
    public static final int REFRESH_MINUTES = 5;
    public static final Duration REFRESH_BEFORE = Duration.ofMinutes(REFRESH_MINUTES);
    public static final Duration USABLE_UNTIL_BEFORE = Duration.ofMinutes(1);
    private static final Duration FAIL_FAST = Duration.ofSeconds(1);

    protected final Vertx vertx;
    protected final Clock clock;
    private volatile HttpClient http;
    private volatile T current;
    private volatile Uni<T> currentItem;
    private Uni<T> inFlight; // guarded by this
    private ProviderException lastFailure; // guarded by this
    private Instant failedAt = Instant.MIN; // guarded by this

    protected Refreshing(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
    }

    /** Fetches a fresh value (one that expires carries its expiration); fails with a ProviderException. */
    protected abstract Uni<T> fetch();

    /** When {@code value} stops working, or null when it does not expire. */
    protected abstract Instant expiration(T value);

    /** Short description for logs; never a secret. */
    public abstract String describe();

    /** The current value, from memory unless it is missing or about to expire. */
    public Uni<T> get() {
        T c = current;
        Instant now = clock.instant();
        Instant expires = c == null ? null : expiration(c);
        if (c != null && (expires == null || now.isBefore(expires.minus(REFRESH_BEFORE)))) {
            return currentItem;
        }
        if (c != null && now.isBefore(expires.minus(USABLE_UNTIL_BEFORE))) {
            refresh(now).subscribe().with(fresh -> { }, t -> LOG.warnf("refresh failed (%s): %s", describe(),
                    t.getMessage()));
            return currentItem; // still good for a while: nobody waits for the refresh
        }
        return refresh(now);
    }

    /** The upstream refused the value (expired, revoked): fetch a fresh one next time. */
    public void invalidate() {
        current = null;
    }

    private synchronized Uni<T> refresh(Instant now) {
        if (inFlight != null) {
            return inFlight;
        }
        if (lastFailure != null && now.isBefore(failedAt.plus(FAIL_FAST))) {
            return Uni.createFrom().failure(lastFailure);
        }
        Uni<T> fetch = Uni.createFrom().deferred(this::fetch)
                .onFailure(t -> !(t instanceof ProviderException)).transform(HttpErrors::connectFailure)
                .onItem().invoke(this::store)
                .onFailure().invoke(t -> failed((ProviderException) t))
                .onTermination().invoke(this::fetched)
                .memoize().indefinitely();
        inFlight = fetch;
        return fetch;
    }

    private void store(T fresh) {
        currentItem = Uni.createFrom().item(fresh);
        current = fresh;
        LOG.debugf("refreshed: %s", fresh);
    }

    private synchronized void failed(ProviderException e) {
        lastFailure = e;
        failedAt = clock.instant();
    }

    private synchronized void fetched() {
        inFlight = null;
    }

    /** One small HTTP exchange off the request path (a token endpoint, a credentials agent): the whole reply. */
    protected Uni<UpstreamClient.Reply> exchange(HttpMethod method, String url, MultiMap headers, byte[] body) {
        return Uni.createFrom().emitter(emitter -> {
            RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setHeaders(headers)
                    .setConnectTimeout(5_000).setIdleTimeout(10_000);
            client().request(options)
                    .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
                    .compose(resp -> resp.body().map(b -> new UpstreamClient.Reply(resp.statusCode(), resp::getHeader, b)))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            emitter.complete(ar.result());
                        } else {
                            emitter.fail(HttpErrors.connectFailure(ar.cause()));
                        }
                    });
        });
    }

    /** Reads a (small, often rotated) token or key file without blocking an event loop. */
    protected Uni<String> readToken(String path) {
        return Uni.createFrom().emitter(emitter -> vertx.fileSystem().readFile(path).onComplete(ar -> {
            if (ar.succeeded()) {
                emitter.complete(ar.result().toString().trim());
            } else {
                emitter.fail(new ProviderException(Failure.MISCONFIGURED, "cannot read file " + path + ": "
                        + ar.cause().getMessage()));
            }
        }));
    }

    /** A credentials endpoint's refusal is our misconfiguration; its 5xx or 429 are transient. */
    protected static ProviderException refused(String what, UpstreamClient.Reply reply, String detail) {
        ProviderException byStatus = HttpErrors.classify(reply.status(), reply.header(), reply.body());
        Failure failure = reply.status() >= 400 && reply.status() < 500 && reply.status() != 429
                ? Failure.MISCONFIGURED : byStatus.failure();
        return new ProviderException(failure, reply.status(), what + " failed (HTTP " + reply.status() + "): "
                + detail, byStatus.retryAfter(), null, null);
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000)
                            .setVerifyHost(true));
                }
                c = http;
            }
        }
        return c;
    }
}
