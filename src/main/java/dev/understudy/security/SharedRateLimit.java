package dev.understudy.security;

import dev.understudy.metrics.Metrics;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

/**
 * Caller keys' rates counted once for the whole deployment: a token bucket per key in Redis
 * ({@code understudy:rate:<key name>}, a hash of tokens and last refill), taken by one Lua script on that
 * one key (so it runs on Redis Cluster too) with Redis's own clock (replicas' clocks may differ). One round
 * trip per request of a rate-limited key, off the event loop's thread of work (reactive). When Redis does
 * not answer, each replica's own bucket decides until it does again: said once in the log and by
 * {@code understudy_shared_state_local{what="rate"}}. The call is guarded by SmallRye Fault Tolerance (a
 * 500 ms timeout and a breaker): a slower Redis costs 500 ms once, a dead one nothing while the breaker is open.
 */
@ApplicationScoped
public class SharedRateLimit {

    private static final Logger LOG = Logger.getLogger(SharedRateLimit.class);
    static final String PREFIX = "understudy:rate:";

    /** KEYS[1] bucket; ARGV rate (tokens/s), burst. Returns the microseconds until a token, 0 when taken. */
    static final String SCRIPT = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local s = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(s[1]) or burst
            local at = tonumber(s[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000000 / rate) end
            redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
            return wait
            """;
    static final String SHA = sha1(SCRIPT);

    private final ReactiveRedisDataSource redis;
    private final AtomicBoolean local = new AtomicBoolean();
    /** This bean's client proxy: Redis is asked through it, so the Fault Tolerance guards on takeInRedis apply. */
    @Inject
    SharedRateLimit self;

    public SharedRateLimit(Instance<ReactiveRedisDataSource> redis, Metrics metrics) {
        boolean shared = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isPresent();
        this.redis = shared ? redis.get() : null;
        if (shared) {
            metrics.sharedStateLocal("rate", () -> local.get() ? 1 : 0);
        }
    }

    void start(@Observes StartupEvent event, Keys keys) {
        if (redis == null) {
            LOG.info("caller rate limits: per replica (no quarkus.redis.hosts)");
            return;
        }
        keys.shareRates(this);
        LOG.info("caller rate limits: counted once for every replica sharing the Redis");
    }

    /** Nanoseconds until the caller may send again, 0 when admitted. Never fails. */
    public Uni<Long> take(Caller caller) {
        TokenBucket bucket = caller.bucket();
        return self.takeInRedis(caller.name(), bucket.ratePerSecond(), bucket.burst())
                .map(micros -> {
                    back();
                    return micros * 1_000;
                })
                .onFailure().recoverWithItem(e -> {
                    alone(e);
                    return bucket.take();
                });
    }

    /**
     * One EVALSHA (EVAL when Redis does not know the script yet); the microseconds to wait. On the request
     * path: 500 ms at most, then the replica's own bucket decides. No fallback: {@link #take} needs the
     * failure to fall back to the caller's own bucket and to say once that it counts alone.
     */
    @Timeout(500)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    public Uni<Long> takeInRedis(String key, double rate, double burst) {
        String[] args = {SHA, "1", PREFIX + key, Double.toString(rate), Double.toString(burst)};
        return redis.execute("EVALSHA", args)
                .onFailure(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", SCRIPT, "1", PREFIX + key, args[3], args[4]))
                .map(Response::toLong);
    }

    private void alone(Throwable e) {
        if (local.compareAndSet(false, true)) {
            LOG.warnf("caller rate limits: Redis does not answer (%s); each replica counts its own rate until it "
                    + "does", e.toString());
        }
    }

    private void back() {
        if (local.get() && local.compareAndSet(true, false)) {
            LOG.info("caller rate limits: Redis answers again; rates are counted once for every replica");
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
