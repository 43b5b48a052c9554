package dev.understudy.routing;

import dev.understudy.cost.CostLedger;
import dev.understudy.metrics.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A resolved route: its targets in fallback order, its deadline and its degraded answers. */
public record Route(String name, String strategy, Duration deadline, List<Target> targets,
        Map<String, String> degradedMessages, boolean cacheFirst, CostLedger ledger, int tierOverBudget,
        Integer maxTokens, Metrics.RouteMeters meters) {

    /** Counts an answer's tokens and cost, and what it would have cost on the top target. */
    public void account(Target answered, dev.understudy.chat.Usage usage) {
        double cost = answered.meters().tokens(usage);
        ledger.record(cost, usage == null ? 0 : top().price().cost(usage));
    }

    /** The route's most capable target (highest tier, then highest price): the savings baseline. */
    public Target top() {
        Target top = targets.get(0);
        for (Target t : targets) {
            if (t.price().tier() > top.price().tier() || t.price().tier() == top.price().tier()
                    && t.price().blended() > top.price().blended()) {
                top = t;
            }
        }
        return top;
    }

    /** Can this route answer now: a target that would take a call, or a last resort? */
    public boolean canAnswer() {
        if (!degradedMessages.isEmpty()) {
            return true;
        }
        for (Target t : targets) {
            if (t.health().available()) {
                return true;
            }
        }
        return false;
    }
}
