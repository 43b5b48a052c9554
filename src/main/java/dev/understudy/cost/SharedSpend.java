package dev.understudy.cost;

import dev.understudy.metrics.Metrics;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

/**
 * Routes' daily spend counted once for the whole deployment: one counter per route and UTC day
 * ({@code understudy:spend:<route>:<yyyy-mm-dd>}, INCRBYFLOAT, expiring two days later), one key per command
 * so it runs on Redis Cluster too. Only routes with {@code budget.daily-usd} use it. When Redis does not
 * answer, each replica counts its own spend on top of the last total it knew, says so once in the log and by
 * {@code understudy_shared_state_local{what="budget"}}, and adds it to the counter once Redis answers again.
 * Both calls are guarded by SmallRye Fault Tolerance (a 1 s timeout and a breaker each); the breakers open
 * only after 3 failures in a row, the same count after which the replica says it counts alone.
 */
@ApplicationScoped
public class SharedSpend {

    private static final Logger LOG = Logger.getLogger(SharedSpend.class);
    static final String PREFIX = "understudy:spend:";
    private static final Duration SYNC_EVERY = Duration.ofSeconds(1);
    private static final long KEEP_SECONDS = 2 * 86_400;
    /** INCRBYFLOAT and its expiry in one round trip, on one key. */
    static final String SCRIPT = "local v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1]) "
            + "redis.call('EXPIRE', KEYS[1], ARGV[2]) return v";

    private final ReactiveRedisDataSource redis;
    /** Failed calls in a row before the replica says it counts alone (a slow first connection is no outage). */
    private static final int FAILURES_BEFORE_LOCAL = 3;

    private final AtomicBoolean local = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    private long timer = -1;

    private final io.vertx.core.Vertx vertx;
    /** This bean's client proxy: Redis is asked through it, so the Fault Tolerance guards on add and spent apply. */
    @Inject
    SharedSpend self;

    public SharedSpend(Instance<ReactiveRedisDataSource> redis, Metrics metrics, io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        boolean shared = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isPresent();
        this.redis = shared ? redis.get() : null;
        if (shared) {
            metrics.sharedStateLocal("budget", () -> local.get() ? 1 : 0);
        }
    }

    void start(@Observes StartupEvent event, RouteTable routes) {
        int budgets = 0;
        java.util.List<CostLedger> shared = new java.util.ArrayList<>();
        for (Route r : routes.routes()) {
            if (r.ledger().dailyBudget() != null) {
                budgets++;
                shared.add(r.ledger());
                if (redis != null) {
                    String route = r.name();
                    r.ledger().share(new CostLedger.Shared() {
                        @Override
                        public Uni<Double> add(long day, double usd) {
                            return watched(self.add(route, day, usd));
                        }

                        @Override
                        public Uni<Double> read(long day) {
                            return watched(self.spent(route, day));
                        }
                    });
                }
            }
        }
        if (redis != null && !shared.isEmpty()) { // what the other replicas spent, seen within a second
            timer = vertx.setPeriodic(SYNC_EVERY.toMillis(), id -> shared.forEach(CostLedger::sync));
        }
        if (budgets > 0) {
            LOG.infof("daily budgets (%d route(s)): %s", budgets, redis != null
                    ? "counted once for every replica sharing the Redis" : "per replica (no quarkus.redis.hosts)");
        }
    }

    void stop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Adds {@code usd} to the route's spend on {@code day} (days since the epoch, UTC); the day's total. Off the
     * request path (the ledger keeps the last total meanwhile), so the timeout is generous: a busy Redis is no
     * outage. No fallback here or on {@link #spent}: the ledger needs the failure to keep the spend to add later,
     * and {@code watched} needs it to count failures in a row.
     */
    @Timeout(1000)
    @CircuitBreaker(requestVolumeThreshold = FAILURES_BEFORE_LOCAL, failureRatio = 1.0, delay = 5000,
            successThreshold = 1)
    public Uni<Double> add(String route, long day, double usd) {
        return redis.execute("EVAL", SCRIPT, "1", key(route, day), Double.toString(usd), Long.toString(KEEP_SECONDS))
                .map(SharedSpend::number);
    }

    /** The route's spend on {@code day} so far, by every replica. */
    @Timeout(1000)
    @CircuitBreaker(requestVolumeThreshold = FAILURES_BEFORE_LOCAL, failureRatio = 1.0, delay = 5000,
            successThreshold = 1)
    public Uni<Double> spent(String route, long day) {
        return redis.execute("GET", key(route, day)).map(SharedSpend::number);
    }

    private <T> Uni<T> watched(Uni<T> call) {
        return call.invoke(() -> {
            failures.set(0);
            if (local.get() && local.compareAndSet(true, false)) {
                LOG.info("daily budgets: Redis answers again; spend is counted once for every replica");
            }
        }).onFailure().invoke(e -> {
            if (failures.incrementAndGet() >= FAILURES_BEFORE_LOCAL && local.compareAndSet(false, true)) {
                LOG.warnf("daily budgets: Redis does not answer (%s); each replica counts its own spend on top of "
                        + "the last known total until it does", e.toString());
            }
        });
    }

    static String key(String route, long day) {
        return PREFIX + route + ":" + LocalDate.ofEpochDay(day);
    }

    private static double number(Response r) {
        return r == null ? 0 : Double.parseDouble(r.toString());
    }
}
