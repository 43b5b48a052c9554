package dev.understudy.routing;

import dev.understudy.chaos.Chaos;
import dev.understudy.chaos.ChaosAdapter;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.cost.CostLedger;
import dev.understudy.cost.Price;
import dev.understudy.cost.PriceTable;
import dev.understudy.metrics.Metrics;
import dev.understudy.resilience.CircuitBreaker;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.provider.ProviderFactory;
import dev.understudy.resilience.TargetHealth;
import dev.understudy.resilience.Ticker;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The routes, resolved and checked once at start-up. A wrong configuration stops the start with one
 * message listing every problem; a vendor provider without an API key is switched off with a warning
 * (so the shipped {@code default} route simply waits for keys while {@code demo} works).
 */
@Startup
@Singleton
public class RouteTable {

    private static final Logger LOG = Logger.getLogger(RouteTable.class);
    private static final Set<String> TYPES = Set.of("openai", "anthropic", "bedrock", "vertex", "azure-openai",
            "mock");
    private static final Set<String> STRATEGIES = Set.of("fallback", "cost", "latency");
    private static final List<String> PROBES = List.of("chat", "models");
    private static final Set<String> VENDOR_HOSTS = Set.of("api.openai.com", "api.anthropic.com");

    private final Map<String, Route> routes;
    private final Chaos chaos;
    private final java.util.Set<String> providers;

    @jakarta.inject.Inject
    public RouteTable(UnderstudyConfig config, Vertx vertx, Metrics metrics, Ticker ticker) {
        this(config, new ProviderFactory(vertx), ticker, metrics);
    }

    /** On the system clock (tools that only resolve the configuration). */
    public RouteTable(UnderstudyConfig config, Vertx vertx, Metrics metrics) {
        this(config, vertx, metrics, Ticker.SYSTEM);
    }

    RouteTable(UnderstudyConfig config, ProviderFactory factory, Ticker ticker, Metrics metrics) {
        List<String> problems = new ArrayList<>();
        this.chaos = new Chaos(ticker);
        Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
        for (var e : config.providers().entrySet()) {
            String name = e.getKey();
            UnderstudyConfig.Provider p = e.getValue();
            if (!TYPES.contains(p.type())) {
                problems.add("understudy.providers." + name + ".type: '" + p.type() + "' is not one of " + TYPES);
                continue;
            }
            if (!PROBES.contains(p.probe())) {
                problems.add("understudy.providers." + name + ".probe: '" + p.probe() + "' is not one of " + PROBES);
                continue;
            }
            if (!"mock".equals(p.type()) && "openai".equals(p.type()) && p.baseUrl().isEmpty()) {
                problems.add("understudy.providers." + name + ".base-url is required for type " + p.type());
                continue;
            }
            if (p.baseUrl().isPresent() && !validUrl(p.baseUrl().get())) {
                problems.add("understudy.providers." + name + ".base-url: '" + p.baseUrl().get()
                        + "' is not an http(s) URL");
                continue;
            }
            if ("bedrock".equals(p.type())) { // region and AWS credentials instead of an api-key
                List<String> bedrock = dev.understudy.provider.bedrock.BedrockSettings.problems(name, p, System.getenv());
                if (!bedrock.isEmpty()) {
                    problems.addAll(bedrock);
                    continue;
                }
                if (!dev.understudy.provider.bedrock.BedrockSettings.hasCredentials(p, System.getenv())) {
                    LOG.warnf("provider %s is off: no AWS credentials (understudy.providers.%s.access-key-id, "
                            + "AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or "
                            + "AWS_CONTAINER_CREDENTIALS_FULL_URI)", name, name);
                    continue;
                }
            }
            if ("vertex".equals(p.type()) || "azure-openai".equals(p.type())) { // cloud identities
                List<String> cloud = ProviderFactory.cloudProblems(name, p, System.getenv());
                if (!cloud.isEmpty()) {
                    problems.addAll(cloud);
                    continue;
                }
                String missing = ProviderFactory.missingCloudCredentials(name, p, System.getenv());
                if (missing != null) {
                    LOG.warnf("provider %s is off: %s", name, missing);
                    continue;
                }
            }
            if (needsKey(p) && p.apiKey().filter(k -> !k.isBlank()).isEmpty()) {
                LOG.warnf("provider %s is off: no api-key set (understudy.providers.%s.api-key)", name, name);
                continue;
            }
            adapters.put(name, new ChaosAdapter(name, factory.create(name, p), chaos));
        }
        if (config.circuitBreaker().failureThreshold() < 1) {
            problems.add("understudy.circuit-breaker.failure-threshold must be 1 or more");
        }
        Map<String, Route> resolved = new LinkedHashMap<>();
        UnderstudyConfig.Defaults d = config.defaults();
        for (var e : config.routes().entrySet()) {
            String name = e.getKey();
            UnderstudyConfig.Route r = e.getValue();
            String where = "understudy.routes." + name;
            if (!r.enabled()) {
                LOG.infof("route %s is off: %s.enabled is false", name, where);
                continue;
            }
            if (!STRATEGIES.contains(r.strategy())) {
                problems.add(where + ".strategy: '" + r.strategy() + "' is not one of " + STRATEGIES);
            }
            if (r.deadline().isNegative() || r.deadline().isZero()) {
                problems.add(where + ".deadline must be positive");
            }
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < r.targets().size(); i++) {
                UnderstudyConfig.Target t = r.targets().get(i);
                String tw = where + ".targets[" + i + "]";
                if (!config.providers().containsKey(t.provider())) {
                    problems.add(tw + ".provider: '" + t.provider() + "' is not a configured provider (known: "
                            + config.providers().keySet() + ")");
                    continue;
                }
                ProviderAdapter adapter = adapters.get(t.provider());
                if (adapter == null) {
                    continue; // switched off above, or invalid (already reported)
                }
                UnderstudyConfig.CircuitBreaker cb = config.circuitBreaker();
                TargetHealth health = new TargetHealth(ticker, new CircuitBreaker(ticker, cb.failureThreshold(),
                        cb.delay(), cb.maxDelay()));
                Price listed = PriceTable.lookup(t.model());
                Price price = new Price(t.priceInput().orElse(listed == null ? 0 : listed.inputPerMillion()),
                        t.priceOutput().orElse(listed == null ? 0 : listed.outputPerMillion()),
                        t.tier().orElse(listed == null ? 2 : listed.tier()));
                if (price.tier() < 1 || price.tier() > 3) {
                    problems.add(tw + ".tier must be 1, 2 or 3");
                }
                Target target = new Target(name, t.provider(), config.providers().get(t.provider()).type(), t.model(),
                        adapter, t.timeout().orElse(d.timeout()), t.firstTokenTimeout().orElse(d.firstTokenTimeout()),
                        t.idleTimeout().orElse(d.idleTimeout()), t.retries().orElse(d.retries()),
                        t.priority().orElse(Integer.MAX_VALUE), health, price,
                        metrics.forTarget(name, t.provider(), t.model(), health, adapter, price));
                health.breaker().addListener((b, fromPeer) -> BreakerLog.changed(target, b, fromPeer));
                if (target.retries() < 0) {
                    problems.add(tw + ".retries must be 0 or more");
                }
                if (!target.timeout().isPositive() || !target.firstTokenTimeout().isPositive()
                        || !target.idleTimeout().isPositive()) {
                    problems.add(tw + ": timeouts must be positive");
                }
                targets.add(target);
            }
            if (targets.isEmpty()) {
                if (r.targets().isEmpty()) {
                    problems.add(where + ".targets: a route needs at least one target");
                } else {
                    LOG.warnf("route %s is off: none of its providers is usable", name);
                }
                continue;
            }
            targets.sort(Comparator.comparingInt(Target::priority)); // stable: list order within a priority
            Double budget = r.budget().dailyUsd().isPresent() ? r.budget().dailyUsd().getAsDouble() : null;
            resolved.put(name, new Route(name, r.strategy(), r.deadline(), List.copyOf(targets),
                    Map.copyOf(r.degraded().messages()), r.cacheFirst(), new CostLedger(System::currentTimeMillis, budget),
                    r.budget().tierOverBudget(), r.maxTokens().isPresent() ? r.maxTokens().getAsInt() : null,
                    metrics.forRoute(name)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid Understudy configuration:\n  - " + String.join("\n  - ",
                    problems));
        }
        this.routes = Map.copyOf(resolved);
        this.providers = java.util.Set.copyOf(adapters.keySet());
        LOG.infof("routes: %s", resolved.keySet());
    }

    /** Fault injection, shared by every provider adapter (see {@code POST /admin/chaos}). */
    public Chaos chaos() {
        return chaos;
    }

    /** The names of the providers in use. */
    public java.util.Set<String> providers() {
        return providers;
    }

    public Route route(String name) {
        return routes.get(name);
    }

    public Collection<Route> routes() {
        return routes.values();
    }

    private static boolean needsKey(UnderstudyConfig.Provider p) {
        if (!"openai".equals(p.type()) && !"anthropic".equals(p.type())) {
            return false;
        }
        String host = p.baseUrl().map(u -> URI.create(u).getHost()).orElse("api.anthropic.com");
        return VENDOR_HOSTS.contains(host);
    }

    private static boolean validUrl(String url) {
        try {
            URI u = URI.create(url);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
