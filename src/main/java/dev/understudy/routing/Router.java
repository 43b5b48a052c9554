package dev.understudy.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders a route's targets for one request. {@code fallback}: the configured order (priority, then
 * list order). {@code latency}: fastest measured EWMA first; a target without measurements yet goes
 * first so that it gets measured. {@code cost} keeps the configured order until cost routing lands.
 */
final class Router {

    private Router() {
    }

    static List<Target> order(Route route) {
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
}
