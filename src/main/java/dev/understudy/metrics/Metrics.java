package dev.understudy.metrics;

import dev.understudy.chat.Usage;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.resilience.TargetHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Every metric name (docs/operations.md) lives here. Meters are created once per route and target and
 * kept on them ({@link RouteMeters}, {@link TargetMeters}), so the request path does no lookups.
 * Tags stay low-cardinality: route, provider, model, outcome, source, reason, kind.
 */
@Singleton
public class Metrics {

    public static final String REQUESTS = "understudy.requests";
    public static final String ATTEMPTS = "understudy.attempts";
    public static final String FALLBACKS = "understudy.fallbacks";
    public static final String CIRCUIT_STATE = "understudy.circuit.state";
    public static final String UPSTREAM_LATENCY = "understudy.upstream.latency";
    public static final String TOKENS = "understudy.tokens";
    public static final String PROBES = "understudy.probes";
    public static final String MALFORMED = "understudy.malformed.events";
    public static final String CACHE_LOOKUPS = "understudy.cache.lookups";
    public static final String QUEUE_DEPTH = "understudy.queue.depth";
    public static final String COST = "understudy.cost.usd";
    // state shared between replicas (docs/shared-state.md)
    public static final String CACHE_BACKFILL_BACKLOG = "understudy.cache.backfill.backlog";
    public static final String CACHE_BACKFILLED = "understudy.cache.backfilled";
    public static final String CACHE_WRITES_WAITING = "understudy.cache.writes.waiting";
    public static final String CACHE_WRITES_DROPPED = "understudy.cache.writes.dropped";
    public static final String SHARED_STATE_LOCAL = "understudy.shared.state.local";

    private final MeterRegistry registry;
    /** Targets sharing a provider/model pair share one gauge: it shows the worst breaker among them. */
    private final Map<String, List<TargetHealth>> breakersByPair = new ConcurrentHashMap<>();
    /** Providers whose malformed-event counter exists: one per provider, however many targets use it. */
    private final java.util.Set<String> malformedByProvider = ConcurrentHashMap.newKeySet();

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    private final Map<String, Counter> cacheLookups = new ConcurrentHashMap<>();

    /** @param kind exact or similar; @param result hit, miss, error (store slow or down) or off */
    public void cacheLookup(String kind, String result) {
        cacheLookups.computeIfAbsent(kind + '/' + result, k -> Counter.builder(CACHE_LOOKUPS).tag("kind", kind)
                .tag("result", result).register(registry)).increment();
    }

    /** Registers the queue depth gauge once, reading {@code depth}. */
    public void queueDepth(java.util.function.Supplier<Number> depth) {
        // the Supplier form holds it strongly (a state-object gauge is held weakly and would read NaN after a GC)
        Gauge.builder(QUEUE_DEPTH, depth).description("Requests waiting in the queue").register(registry);
    }

    /** Cached answers waiting for their question's vector, and those given one after they were stored. */
    public void cacheBackfill(java.util.function.Supplier<Number> backlog, java.util.function.Supplier<Number> done) {
        Gauge.builder(CACHE_BACKFILL_BACKLOG, backlog).description("Cached answers waiting to be embedded")
                .register(registry);
        FunctionCounter.builder(CACHE_BACKFILLED, done, d -> d.get().doubleValue())
                .description("Cached answers embedded after they were stored").register(registry);
    }

    /** Answers queued for the cache writer, and those left out because its queue was full. */
    public void cacheWriter(java.util.function.Supplier<Number> waiting, java.util.function.Supplier<Number> dropped) {
        Gauge.builder(CACHE_WRITES_WAITING, waiting).description("Answers waiting to be written to the emergency cache")
                .register(registry);
        FunctionCounter.builder(CACHE_WRITES_DROPPED, dropped, d -> d.get().doubleValue())
                .description("Answers not stored because the cache writer's queue was full").register(registry);
    }

    /** 1 while {@code what} (budget, rate) is counted by this replica alone because Redis does not answer. */
    public void sharedStateLocal(String what, java.util.function.Supplier<Number> local) {
        Gauge.builder(SHARED_STATE_LOCAL, local).tag("what", what)
                .description("1 while counted per replica because the shared Redis is unreachable").register(registry);
    }

    public RouteMeters forRoute(String route) {
        return new RouteMeters(route);
    }

    public TargetMeters forTarget(String route, String provider, String model, TargetHealth health,
            ProviderAdapter adapter, dev.understudy.cost.Price price) {
        String pair = provider + "\u0000" + model;
        breakersByPair.computeIfAbsent(pair, p -> {
            List<TargetHealth> list = new CopyOnWriteArrayList<>();
            Gauge.builder(CIRCUIT_STATE, list, l -> l.stream().mapToInt(h -> h.breaker().state().gauge()).max()
                    .orElse(0)).tag("provider", provider).tag("model", model)
                    .description("Circuit breaker state: 0 closed, 1 half-open, 2 open").register(registry);
            return list;
        }).add(health);
        if (malformedByProvider.add(provider)) { // a second registration would be ignored, with a warning
            FunctionCounter.builder(MALFORMED, adapter, ProviderAdapter::malformedEvents).tag("provider", provider)
                    .description("Stream events skipped because they could not be parsed").register(registry);
        }
        return new TargetMeters(route, provider, model, price);
    }

    /** Per-route meters: requests by source and outcome, fallbacks by reason. */
    public final class RouteMeters {
        private final String route;
        private final Map<String, Counter> requests = new ConcurrentHashMap<>();
        private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();

        RouteMeters(String route) {
            this.route = route;
        }

        /** @param source provider, cache, similar-cache, static, none; @param outcome ok, rejected, failed, aborted */
        public void request(String source, String outcome) {
            requests.computeIfAbsent(source + '/' + outcome, k -> Counter.builder(REQUESTS).tag("route", route)
                    .tag("source", source).tag("outcome", outcome).register(registry)).increment();
        }

        public void fallback(String reason) {
            fallbacks.computeIfAbsent(reason, r -> Counter.builder(FALLBACKS).tag("route", route).tag("reason", r)
                    .register(registry)).increment();
        }
    }

    /** Per-target meters: attempts by outcome, upstream latency, tokens, probes. */
    public final class TargetMeters {
        private final String provider;
        private final String model;
        private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
        private final Map<String, Counter> probes = new ConcurrentHashMap<>();
        private final Timer latency;
        private final Counter promptTokens;
        private final Counter completionTokens;
        private final Counter cost;
        private final dev.understudy.cost.Price price;

        TargetMeters(String route, String provider, String model, dev.understudy.cost.Price price) {
            this.provider = provider;
            this.model = model;
            this.price = price;
            this.cost = Counter.builder(COST).tag("route", route).tag("provider", provider).tag("model", model)
                    .description("What answers cost at the target's price").register(registry);
            this.latency = Timer.builder(UPSTREAM_LATENCY).tag("provider", provider).tag("model", model)
                    .description("Latency of answered upstream attempts")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
            this.promptTokens = Counter.builder(TOKENS).tag("provider", provider).tag("model", model)
                    .tag("kind", "prompt").register(registry);
            this.completionTokens = Counter.builder(TOKENS).tag("provider", provider).tag("model", model)
                    .tag("kind", "completion").register(registry);
        }

        /** @param outcome ok, a failure label, skipped_open or skipped_cooldown */
        public void attempt(String outcome, long latencyNanos) {
            attempts.computeIfAbsent(outcome, o -> Counter.builder(ATTEMPTS).tag("provider", provider)
                    .tag("model", model).tag("outcome", o).register(registry)).increment();
            if ("ok".equals(outcome)) {
                latency.record(latencyNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** Counts an answer's tokens and cost; returns the cost in USD. */
        public double tokens(Usage usage) {
            if (usage == null) {
                return 0;
            }
            promptTokens.increment(usage.promptTokens());
            completionTokens.increment(usage.completionTokens());
            double usd = price.cost(usage);
            cost.increment(usd);
            return usd;
        }

        /** @param kind trial (an open breaker's) or idle (a check of an unused target) */
        public void probe(String kind, boolean ok) {
            String outcome = ok ? "ok" : "failed";
            probes.computeIfAbsent(kind + '/' + outcome, o -> Counter.builder(PROBES).tag("provider", provider)
                    .tag("model", model).tag("kind", kind).tag("outcome", outcome)
                    .description("Trials of open breakers and checks of idle targets").register(registry))
                    .increment();
        }
    }
}
