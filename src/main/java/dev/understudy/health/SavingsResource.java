package dev.understudy.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.cost.CostLedger;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.Route;
import dev.understudy.routing.RouteTable;
import jakarta.inject.Singleton;
import java.util.Comparator;

/**
 * {@code GET /admin/savings}: per route, what the answered traffic cost versus what the same tokens would
 * have cost on the route's top target, and today's spend against its budget (this replica's figures).
 */
@Singleton
public class SavingsResource {

    private final RouteTable routes;

    public SavingsResource(RouteTable routes) {
        this.routes = routes;
    }

    public ObjectNode savings() {
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("routes");
        double actualAll = 0;
        double topAll = 0;
        for (Route r : routes.routes().stream().sorted(Comparator.comparing(Route::name)).toList()) {
            CostLedger l = r.ledger();
            double actual = l.actual();
            double top = l.onTopTarget();
            actualAll += actual;
            topAll += top;
            ObjectNode n = list.addObject().put("route", r.name()).put("strategy", r.strategy())
                    .put("answers", l.answers()).put("cost_usd", round(actual))
                    .put("top_target", r.top().id()).put("top_target_cost_usd", round(top))
                    .put("saved_usd", round(top - actual))
                    .put("saved_pct", top > 0 ? Math.round((top - actual) / top * 1000) / 10.0 : 0)
                    .put("today_usd", round(l.today()));
            if (l.dailyBudget() != null) {
                n.put("daily_budget_usd", l.dailyBudget()).put("over_budget", l.overBudget());
            }
        }
        body.put("cost_usd", round(actualAll)).put("top_target_cost_usd", round(topAll))
                .put("saved_usd", round(topAll - actualAll));
        return body;
    }

    private static double round(double usd) {
        return Math.round(usd * 1e6) / 1e6;
    }
}
