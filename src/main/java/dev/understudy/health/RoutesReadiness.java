package dev.understudy.health;

import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while every route can answer: a target that would take a call now (breaker closed or due for
 * its trial, not cooling down, not misconfigured) or a last resort (configured degraded answers).
 * See docs/resilience.md, "Readiness and liveness", for why a provider outage alone should not take every replica out.
 */
@Readiness
@Singleton
public class RoutesReadiness implements HealthCheck {

    private final RouteTable routes;

    public RoutesReadiness(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("routes").up();
        for (Route r : routes.routes()) {
            boolean ok = r.canAnswer();
            b.withData(r.name(), ok ? "can answer" : "no available target and no last resort");
            if (!ok) {
                b.down();
            }
        }
        return b.build();
    }
}
