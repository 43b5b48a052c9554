package dev.understudy.routing;

import dev.understudy.metrics.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A resolved route: its targets in fallback order, its deadline and its degraded answers. */
public record Route(String name, String strategy, Duration deadline, List<Target> targets,
        Map<String, String> degradedMessages, boolean cacheFirst, Metrics.RouteMeters meters) {

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
