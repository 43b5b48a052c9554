package dev.understudy.security;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.resilience.Ticker;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Gateway API keys: only their SHA-256 is configured; a presented key ({@code Authorization: Bearer …}
 * or {@code x-api-key}) is hashed and looked up. The admin key is separate and never a caller key.
 */
@Singleton
public class Keys {

    private static final Logger LOG = Logger.getLogger(Keys.class);

    private final Map<String, Caller> callers = new HashMap<>();
    private final String adminHash;
    private final boolean adminEnabled;
    /** Counts callers' rates once for the deployment (Redis); null: each replica counts its own. */
    private volatile SharedRateLimit sharedRates;

    @jakarta.inject.Inject
    public Keys(UnderstudyConfig config) {
        this(config.auth(), Ticker.SYSTEM);
    }

    Keys(UnderstudyConfig.Auth auth, Ticker ticker) {
        for (var e : auth.keys().entrySet()) {
            UnderstudyConfig.Auth.Key k = e.getValue();
            TokenBucket bucket = null;
            if (k.rate().isPresent()) {
                double rate = k.rate().getAsDouble();
                bucket = new TokenBucket(ticker, rate, k.burst().orElse((int) Math.max(1, Math.ceil(rate))));
            }
            Set<String> routes = k.routes().map(Set::copyOf).orElse(null);
            callers.put(normalise(k.hash()), new Caller(e.getKey(), k.tenant().orElse(e.getKey()), routes, bucket));
        }
        this.adminHash = auth.adminKeyHash().map(Keys::normalise).orElse(null);
        this.adminEnabled = auth.adminEnabled();
    }

    void announce(@Observes StartupEvent event) {
        if (callers.isEmpty()) {
            LOG.warn("*** AUTH OFF: no understudy.auth.keys configured — ANYONE who can reach this gateway can use "
                    + "every route and the provider keys behind it. Configure keys for anything but a local trial. ***");
        } else {
            LOG.infof("auth: %d gateway key(s); admin API %s", callers.size(), !adminEnabled ? "disabled"
                    : adminHash == null ? "closed (no admin-key-hash)" : "behind the admin key");
        }
    }

    public boolean open() {
        return callers.isEmpty();
    }

    /**
     * The caller of a request; throws 401 (no or unknown key) or 429 (over its rate, counted by this replica).
     * A rate counted for the deployment is left to {@link #takeShared} (see {@link #sharedRate}).
     */
    public Caller authenticate(HttpServerRequest request) {
        if (callers.isEmpty()) {
            return Caller.ANONYMOUS;
        }
        String key = presented(request);
        if (key == null) {
            throw new AuthException(401, "missing_api_key", "An API key is required: send it as "
                    + "'Authorization: Bearer <key>' or 'x-api-key: <key>'.", 0);
        }
        Caller caller = callers.get(sha256(key));
        if (caller == null) {
            throw new AuthException(401, "invalid_api_key", "The API key is not valid for this gateway.", 0);
        }
        if (caller.bucket() != null && sharedRates == null) {
            long wait = caller.bucket().take();
            if (wait > 0) {
                throw rateLimited(wait);
            }
        }
        return caller;
    }

    /** Counts rates in Redis from now on (see {@link #sharedRate}). */
    void shareRates(SharedRateLimit shared) {
        this.sharedRates = shared;
    }

    /**
     * Whether this caller's rate is counted for the whole deployment: then {@link #authenticate} left it
     * alone and the caller must be admitted through {@link #takeShared} before its request goes on.
     */
    public boolean sharedRate(Caller caller) {
        return caller.bucket() != null && sharedRates != null;
    }

    /**
     * Takes a token from the caller's deployment-wide bucket: null when admitted, else the 429 to answer.
     * Never fails: when Redis does not answer, the replica's own bucket decides.
     */
    public io.smallrye.mutiny.Uni<AuthException> takeShared(Caller caller) {
        return sharedRates.take(caller).map(wait -> wait > 0 ? rateLimited(wait) : null);
    }

    private static AuthException rateLimited(long waitNanos) {
        return new AuthException(429, "rate_limit_exceeded", "Too many requests for this API key; retry "
                + "after the time in Retry-After.", Math.max(1, (waitNanos + 999_999_999) / 1_000_000_000));
    }

    /** Checks the admin key for {@code /admin/*}: 404 when disabled, 401/403 otherwise. */
    public void authenticateAdmin(HttpServerRequest request) {
        if (!adminEnabled) {
            throw new AuthException(404, "not_found", "The admin API is disabled.", 0);
        }
        if (adminHash == null) {
            if (callers.isEmpty()) {
                return; // an open gateway (local trial): the admin API is open too
            }
            throw new AuthException(403, "admin_closed", "The admin API needs understudy.auth.admin-key-hash.", 0);
        }
        String key = presented(request);
        if (key == null) {
            throw new AuthException(401, "missing_api_key", "The admin API needs the admin key.", 0);
        }
        String hash = sha256(key);
        if (!MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                adminHash.getBytes(StandardCharsets.US_ASCII))) {
            throw new AuthException(callers.containsKey(hash) ? 403 : 401, callers.containsKey(hash)
                    ? "admin_only" : "invalid_api_key", callers.containsKey(hash)
                    ? "A caller key cannot use the admin API." : "The admin key is not valid.", 0);
        }
    }

    /** The tenant of the request's key (no rate accounting), null when the gateway is open. */
    public String tenantOf(HttpServerRequest request) {
        String key = presented(request);
        Caller c = key == null ? null : callers.get(sha256(key));
        return c == null ? null : c.tenant();
    }

    static String presented(HttpServerRequest request) {
        String auth = request.getHeader("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = auth.substring(7).trim();
            return key.isEmpty() ? null : key;
        }
        String key = request.getHeader("x-api-key");
        return key == null || key.isBlank() ? null : key.trim();
    }

    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String normalise(String hash) {
        String h = hash.trim().toLowerCase(Locale.ROOT);
        return h.startsWith("sha256:") ? h.substring(7) : h;
    }
}
