package dev.understudy.health;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.ProviderException;
import dev.understudy.resilience.CircuitBreaker;
import dev.understudy.resilience.TargetHealth;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.Target;
import dev.understudy.tracing.AttemptSpans;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Active health checks. Every {@code understudy.health-check.interval}, each provider endpoint that has
 * a target needing it is probed once — with the endpoint's cheapest request (its model list: no tokens),
 * and the result applies to every target on that endpoint, so nothing is probed (or billed) twice.
 *
 * <p>A target needs a probe when its breaker is open and due for its trial, when it is cooling down,
 * or when it was idle for the whole interval. A busy healthy target is never probed: its own traffic
 * says how it is. A probe is the open breaker's trial: success closes it, failure reopens it with the
 * delay doubled.
 */
@ApplicationScoped
public class ActiveProber {

    private static final Logger LOG = Logger.getLogger(ActiveProber.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final RouteTable routes;
    private final Vertx vertx;
    private final Duration interval;
    private final AttemptSpans spans;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    public ActiveProber(RouteTable routes, Vertx vertx, UnderstudyConfig config, AttemptSpans spans) {
        this.routes = routes;
        this.spans = spans;
        this.vertx = vertx;
        this.interval = config.healthCheck().interval();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(interval.toMillis(), id -> probeDue());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round: probe each endpoint that has a target needing it. Skips a round still in flight. */
    void probeDue() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Map<String, List<Target>> byEndpoint = new LinkedHashMap<>();
        for (Route r : routes.routes()) {
            for (Target t : r.targets()) {
                byEndpoint.computeIfAbsent(t.provider(), p -> new ArrayList<>()).add(t);
            }
        }
        List<io.smallrye.mutiny.Uni<Void>> rounds = new ArrayList<>();
        for (List<Target> targets : byEndpoint.values()) {
            List<Target> due = targets.stream().filter(this::needsProbe).toList();
            // idle targets learn from a busy healthy sibling on the same endpoint: no probe for them
            boolean busyAndHealthy = targets.stream().anyMatch(t -> !t.health().idleFor(interval)
                    && t.health().healthy());
            if (busyAndHealthy) {
                due = due.stream().filter(t -> !idleOnly(t)).toList();
            }
            if (!due.isEmpty()) {
                rounds.add(probe(due));
            }
        }
        if (rounds.isEmpty()) {
            running.set(false);
            return;
        }
        io.smallrye.mutiny.Uni.join().all(rounds).andCollectFailures().subscribe()
                .with(ok -> running.set(false), failure -> running.set(false));
    }

    private boolean needsProbe(Target t) {
        TargetHealth h = t.health();
        CircuitBreaker.State state = h.breaker().state();
        return state == CircuitBreaker.State.OPEN && h.breaker().available()
                || h.coolingDown()
                || state == CircuitBreaker.State.CLOSED && h.idleFor(interval);
    }

    private static boolean idleOnly(Target t) {
        return t.health().breaker().state() == CircuitBreaker.State.CLOSED && !t.health().coolingDown();
    }

    private io.smallrye.mutiny.Uni<Void> probe(List<Target> due) {
        Target first = due.get(0);
        long start = System.nanoTime();
        Span span = spans.startProbe(first);
        return AttemptSpans.within(span, () -> first.adapter().probe())
                .ifNoItem().after(PROBE_TIMEOUT).failWith(() -> new ProviderException(
                        dev.understudy.provider.Failure.TIMEOUT, "probe: no answer within 5 s"))
                .map(v -> {
                    record(due, true, System.nanoTime() - start, null);
                    spans.ended(span, "ok", false);
                    return (Void) null;
                })
                .onFailure().recoverWithItem(t -> {
                    ProviderException e = t instanceof ProviderException pe ? pe
                            : new ProviderException(dev.understudy.provider.Failure.CONNECT, String.valueOf(t));
                    record(due, false, System.nanoTime() - start, e);
                    spans.failed(span, e, false);
                    return null;
                });
    }

    private static void record(List<Target> due, boolean ok, long latencyNanos, ProviderException e) {
        due.get(0).meters().probe(ok);
        for (Target t : due) {
            TargetHealth h = t.health();
            h.onProbe(ok, latencyNanos, e == null ? null : e.getMessage());
            boolean trial = h.breaker().state() == CircuitBreaker.State.OPEN && h.breaker().tryAcquire();
            if (ok && trial) {
                h.breaker().onSuccess();
            } else if (!ok && (trial || h.breaker().state() == CircuitBreaker.State.CLOSED)) {
                h.onFailure(e);
            }
        }
        if (!ok) {
            LOG.debugf("probe of %s failed: %s", due.get(0).provider(), e.getMessage());
        }
    }
}
