package dev.understudy.health;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.resilience.CircuitBreaker;
import dev.understudy.resilience.TargetHealth;
import dev.understudy.resilience.Ticker;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import dev.understudy.routing.Target;
import dev.understudy.tracing.AttemptSpans;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Trials and idle checks, off the request path.
 *
 * <p><b>Trials.</b> Every {@code understudy.health-check.trial-interval} the prober looks for open breakers
 * whose delay has passed and sends each one's trial: by default a real request to the target's own model
 * ({@link Probes#TRIAL}: a fixed tiny prompt, {@code max_tokens: 1}) through its provider adapter, counted in
 * {@code understudy_probes_total{kind="trial"}}, in tokens, cost and the route's cost ledger. Only such an
 * answer (or a provider refusing the request itself, which shows the chat endpoint works) closes the
 * breaker; any other outcome reopens it with the delay doubled. A provider set to {@code probe: models}
 * is tried with its free model-list request instead — where the operator says that list is an honest
 * signal. A request may take a due trial too (whichever comes first): there is one trial per delay.
 *
 * <p><b>Idle checks.</b> Every {@code understudy.health-check.interval}, a target that no request used for
 * that long (closed breaker, not cooling down) is checked the same way; a failure counts towards its
 * breaker, so a dead fallback is known before a caller needs it. A busy healthy target is never checked,
 * and neither are its idle siblings on the same endpoint; a model-list check is sent once per endpoint.
 */
@Singleton
public class ActiveProber {

    private static final Logger LOG = Logger.getLogger(ActiveProber.class);

    private final RouteTable routes;
    private final ModelListCheck modelList;
    private final Vertx vertx;
    private final Ticker ticker;
    private final Duration interval;
    private final Duration trialInterval;
    private final AttemptSpans spans;
    private final Map<String, String> probeKinds = new LinkedHashMap<>();
    /** Idle checks still running (by group): a slow one is not sent again meanwhile. */
    private final java.util.Set<String> idleInFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private long lastIdleRound;
    private long timer = -1;

    public ActiveProber(RouteTable routes, ModelListCheck modelList, Vertx vertx, UnderstudyConfig config,
            Ticker ticker, AttemptSpans spans) {
        this.routes = routes;
        this.spans = spans;
        this.modelList = modelList;
        this.vertx = vertx;
        this.ticker = ticker;
        this.interval = config.healthCheck().interval();
        this.trialInterval = config.healthCheck().trialInterval();
        config.providers().forEach((name, p) -> probeKinds.put(name, p.probe()));
        this.lastIdleRound = ticker.nanos();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(trialInterval.toMillis(), id -> round().subscribe().with(v -> { },
                e -> LOG.debugf("probe round failed: %s", e)));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * One round: every due trial, and the idle checks once per interval. Completes when the calls it started
     * have ended. Rounds do not wait for each other: a silent target's trial, held for its timeout, delays
     * no other target's (a breaker's trial slot keeps a target from being tried twice at once).
     */
    public Uni<Void> round() {
        List<Uni<Void>> calls = new ArrayList<>();
        collect(calls);
        return calls.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(calls).andCollectFailures().replaceWithVoid();
    }

    private void collect(List<Uni<Void>> calls) {
        Map<String, List<Target>> due = new LinkedHashMap<>();
        Map<Target, Route> routeOf = new LinkedHashMap<>();
        for (Route r : routes.routes()) {
            for (Target t : r.targets()) {
                routeOf.put(t, r);
                if (trialDue(t.health()) && t.health().breaker().tryAcquire()) {
                    due.computeIfAbsent(sameModel(t), k -> new ArrayList<>()).add(t);
                }
            }
        }
        // one trial per model on an endpoint, whatever the number of routes using it
        due.values().forEach(group -> calls.add(trial(routeOf.get(group.get(0)), group)));
        long now = ticker.nanos();
        if (now - lastIdleRound >= interval.toNanos()) {
            lastIdleRound = now;
            calls.addAll(idleChecks(routeOf));
        }
    }

    /** Open (or half-open with a free trial slot) and due, not waiting out a Retry-After. */
    private static boolean trialDue(TargetHealth h) {
        CircuitBreaker.State s = h.breaker().state();
        return s != CircuitBreaker.State.CLOSED && h.breaker().available() && !h.coolingDown();
    }

    /** A trial sent to the group's first target; its outcome decides every breaker of the group. */
    private Uni<Void> trial(Route route, List<Target> group) {
        return probe(route, group, "trial", "trial",
                () -> group.forEach(t -> t.health().breaker().onSuccess()),
                e -> group.forEach(t -> t.health().onFailure(e))); // reopens, delay doubled (a 429 cools down instead)
    }

    /**
     * One call to the group's first target, counted and traced as a probe of {@code kind} for the whole group;
     * then {@code alive} or {@code failed}. Never fails.
     */
    private Uni<Void> probe(Route route, List<Target> group, String kind, String what, Runnable alive,
            java.util.function.Consumer<ProviderException> failed) {
        Target sent = group.get(0);
        long start = System.nanoTime();
        Span span = spans.startProbe(sent);
        return AttemptSpans.within(span, () -> call(route, sent)).map(answer -> {
            record(sent, group, kind, true, start, null);
            spans.ended(span, "ok", false);
            alive.run();
            return (Void) null;
        }).onFailure().recoverWithItem(failure -> {
            ProviderException e = asProviderException(failure);
            record(sent, group, kind, false, start, e);
            spans.failed(span, e, false);
            failed.accept(e);
            LOG.debugf("%s of %s failed: %s", what, sent.id(), e.getMessage());
            return null;
        });
    }

    /**
     * Idle targets, by endpoint: none while a sibling on the endpoint is busy and healthy; else one check
     * per model (chat), or one per endpoint (model list).
     */
    private List<Uni<Void>> idleChecks(Map<Target, Route> routeOf) {
        Map<String, List<Target>> byEndpoint = new LinkedHashMap<>();
        routeOf.keySet().forEach(t -> byEndpoint.computeIfAbsent(t.provider(), p -> new ArrayList<>()).add(t));
        List<Uni<Void>> checks = new ArrayList<>();
        for (var e : byEndpoint.entrySet()) {
            List<Target> targets = e.getValue();
            if (targets.stream().anyMatch(t -> !t.health().idleFor(interval) && t.health().healthy())) {
                continue; // its own traffic says how the endpoint is
            }
            boolean models = "models".equals(probeKinds.get(e.getKey()));
            Map<String, List<Target>> groups = new LinkedHashMap<>();
            targets.stream().filter(this::idle)
                    .forEach(t -> groups.computeIfAbsent(models ? t.provider() : sameModel(t), k -> new ArrayList<>())
                            .add(t));
            groups.forEach((key, group) -> {
                if (idleInFlight.add(key)) {
                    checks.add(idleCheck(routeOf.get(group.get(0)), group)
                            .eventually(() -> idleInFlight.remove(key)));
                }
            });
        }
        return checks;
    }

    private boolean idle(Target t) {
        TargetHealth h = t.health();
        return h.breaker().state() == CircuitBreaker.State.CLOSED && !h.coolingDown() && h.idleFor(interval);
    }

    private Uni<Void> idleCheck(Route route, List<Target> group) {
        return probe(route, group, "idle", "idle check", () -> { }, e -> {
            for (Target t : group) {
                if (t.health().breaker().state() == CircuitBreaker.State.CLOSED) { // counts like a request's
                    t.health().onFailure(e);
                }
            }
        });
    }

    private static String sameModel(Target t) {
        return t.provider() + '\u0000' + t.model();
    }

    /**
     * The call itself: a one-token chat request (its usage counted in tokens, cost and the route's ledger),
     * or the endpoint's model list. A provider refusing the chat request itself (400, content policy,
     * context length) answered it: the endpoint is alive.
     */
    private Uni<Boolean> call(Route route, Target t) {
        if ("models".equals(probeKinds.get(t.provider()))) {
            return Uni.createFrom().deferred(() -> modelList.check(t)).replaceWith(true);
        }
        return Uni.createFrom().deferred(() -> t.adapter().complete(t.model(), Probes.TRIAL))
                .ifNoItem().after(t.timeout())
                .failWith(() -> new ProviderException(Failure.TIMEOUT, "trial: no answer within "
                        + t.timeout().toMillis() + " ms"))
                .map(response -> {
                    Probes.account(route, t, response.usage());
                    return true;
                })
                .onFailure(ProviderException.class).recoverWithUni(f -> Probes.answered((ProviderException) f)
                        ? Uni.createFrom().item(true) : Uni.createFrom().failure(f));
    }

    /** Counted once (the call's), seen by every target it stands for. */
    private static void record(Target sent, List<Target> group, String kind, boolean ok, long startNanos,
            ProviderException e) {
        long latency = System.nanoTime() - startNanos;
        sent.meters().probe(kind, ok);
        group.forEach(t -> t.health().onProbe(ok, latency, e == null ? null : e.getMessage()));
    }

    private static ProviderException asProviderException(Throwable t) {
        return ModelListCheck.asProviderException(t);
    }
}
