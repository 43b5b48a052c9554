package dev.understudy.routing;

import dev.understudy.chat.ChatRequest;
import dev.understudy.cost.ComplexityClassifier;
import dev.understudy.cost.RuleBasedClassifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders a route's targets for one request. {@code fallback}: the configured order (priority, then
 * list order). {@code latency}: fastest measured EWMA first; a target without measurements yet goes
 * first so that it gets measured. {@code cost}: the request's tier (forced by {@code x-understudy-tier},
 * else the classifier's), then the cheapest target whose tier is enough, continuing upward in tier
 * (cheaper first within a tier); targets below the tier come last, since a weaker answer beats none.
 * A route over its daily budget drops targets above its {@code tier-over-budget} instead of failing.
 */
final class Router {

    private static final ComplexityClassifier CLASSIFIER = new RuleBasedClassifier();

    private Router() {
    }

    /** The tier a request needs under the cost strategy; 0 for other strategies. */
    static int requiredTier(Route route, ChatRequest request, Integer forcedTier) {
        return "cost".equals(route.strategy()) ? forcedTier != null ? forcedTier : CLASSIFIER.tier(request) : 0;
    }

    static List<Target> order(Route route, ChatRequest request, Integer forcedTier) {
        if ("cost".equals(route.strategy())) {
            return byCost(route, requiredTier(route, request, forcedTier));
        }
        if (!"latency".equals(route.strategy()) || route.targets().size() < 2) {
            return route.targets();
        }
        List<Target> sorted = new ArrayList<>(route.targets());
        sorted.sort(Comparator.comparingDouble(t -> {
            double ewma = t.health().ewmaMillis();
            return Double.isNaN(ewma) ? -1 : ewma;
        }));
        return sorted;
    }

    static List<Target> byCost(Route route, int tier) {
        boolean over = route.ledger().overBudget();
        int ceiling = over ? route.tierOverBudget() : 3;
        int wanted = Math.min(tier, ceiling);
        List<Target> enough = new ArrayList<>();
        List<Target> weaker = new ArrayList<>();
        for (Target t : route.targets()) {
            int tt = t.price().tier();
            if (tt > ceiling) {
                continue; // over budget: skipped, not failed
            }
            (tt >= wanted ? enough : weaker).add(t);
        }
        enough.sort(Comparator.<Target>comparingInt(t -> t.price().tier())
                .thenComparingDouble(t -> t.price().blended()));
        weaker.sort(Comparator.<Target>comparingInt(t -> -t.price().tier())
                .thenComparingDouble(t -> t.price().blended()));
        enough.addAll(weaker);
        return enough;
    }
}
