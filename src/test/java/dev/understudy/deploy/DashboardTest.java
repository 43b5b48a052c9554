package dev.understudy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/understudy-dashboard.json: valid dashboard JSON whose every query is PromQL that
 * promtool accepts (Grafana's variables filled in), covering every metric of docs/operations.md.
 */
class DashboardTest {

    private static final Path DASHBOARD = Tools.DEPLOY.resolve("grafana/understudy-dashboard.json");
    /** The metrics of docs/operations.md, as Prometheus names them (histograms by their base name). */
    static final Set<String> DESIGN_METRICS = Set.of("understudy_requests_total", "understudy_attempts_total",
            "understudy_fallbacks_total", "understudy_circuit_state", "understudy_upstream_latency_seconds",
            "understudy_cache_lookups_total", "understudy_queue_depth", "understudy_cost_usd_total",
            "understudy_tokens_total");
    private static final Pattern METRIC = Pattern.compile("\\bunderstudy_[a-z_]+");

    @Test
    void isADashboardWithVariablesForDataSourceNamespaceJobAndRoute() throws Exception {
        JsonNode d = dashboard();
        assertThat(d.path("uid").asText()).isEqualTo("understudy-gateway");
        assertThat(d.path("title").asText()).isEqualTo("Understudy");
        assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        List<String> variables = new ArrayList<>();
        d.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactly("datasource", "namespace", "job", "route");
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode p : d.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("panel ids are unique").isTrue();
            if (!"row".equals(p.path("type").asText())) {
                assertThat(p.path("datasource").path("uid").asText()).as(p.path("title").asText()).isEqualTo("${datasource}");
                assertThat(p.path("targets").size()).as("queries of %s", p.path("title").asText()).isPositive();
            }
        }
    }

    @Test
    void everyQueryIsPromQlThatPromtoolAccepts() throws Exception {
        Map<String, String> queries = queries();
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (var q : queries.entrySet()) {
            String expr = q.getValue().replace("$__rate_interval", "5m").replace("$__interval", "1m")
                    .replace("$namespace", ".*").replace("$job", ".*").replace("$route", ".*");
            assertThat(expr).as("%s still has a Grafana variable", q.getKey()).doesNotContain("$");
            rules.append("      - record: dashboard:panel_").append(n++).append('\n')
                    .append("        expr: '").append(expr.replace("'", "''")).append("'\n");
        }
        Path file = Tools.workDir("promtool-dashboard").resolve("dashboard-queries.yaml");
        Files.writeString(file, rules);
        String out = Tools.run(Duration.ofMinutes(1), Tools.PROJECT, Tools.promtool().toString(), "check", "rules",
                file.toString()).orFail();
        assertThat(out).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void showsEveryMetricOfTheDesignAndNoOther() throws Exception {
        Set<String> used = new TreeSet<>();
        for (String expr : queries().values()) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                used.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
            }
        }
        assertThat(used).containsExactlyInAnyOrderElementsOf(DESIGN_METRICS);
    }

    private static JsonNode dashboard() throws Exception {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    /** "panel title #refId" → PromQL, for every query of every panel. */
    static Map<String, String> queries() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : dashboard().path("panels")) {
            for (JsonNode t : p.path("targets")) {
                out.put(p.path("title").asText() + " #" + t.path("refId").asText(), t.path("expr").asText());
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }
}
