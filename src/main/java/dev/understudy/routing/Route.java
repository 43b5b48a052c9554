package dev.understudy.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A resolved route: its targets in fallback order, its deadline and its degraded answers. */
public record Route(String name, String strategy, Duration deadline, List<Target> targets,
        Map<String, String> degradedMessages) {
}
