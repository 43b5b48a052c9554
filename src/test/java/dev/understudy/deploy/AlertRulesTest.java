package dev.understudy.deploy;

import static dev.understudy.deploy.Manifests.at;
import static dev.understudy.deploy.Manifests.list;
import static dev.understudy.deploy.Manifests.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Understudy's alert rules, checked by Prometheus's own promtool: {@code check rules} (syntax, PromQL,
 * templates) and {@code test rules} (alerts-test.yaml: each alert fires when it should and stays silent
 * when it should not, on series shaped like the gateway's real /q/metrics output). Both forms are
 * checked: deploy/prometheus/understudy-alerts.yaml and the chart's rendered PrometheusRule.
 */
class AlertRulesTest {

    private static final Path PLAIN_RULES = Tools.DEPLOY.resolve("prometheus/understudy-alerts.yaml");
    private static final Path UNIT_TESTS = Tools.FIXTURES.resolve("alerts-test.yaml");
    private static final Path SCRAPE = Tools.FIXTURES.resolve("metrics-scrape.txt");
    private static final Duration PROMTOOL_LIMIT = Duration.ofMinutes(1);
    private static final List<String> ALERTS = List.of("UnderstudyFallbackInUse", "UnderstudyCircuitOpen",
            "UnderstudyRouteDown", "UnderstudyLastResortAnswers", "UnderstudyQueueDepth",
            "UnderstudyCacheWritesDropped");

    @Test
    void promtoolAcceptsThePlainRulesFile() throws Exception {
        String out = Tools.run(PROMTOOL_LIMIT, Tools.PROJECT, Tools.promtool().toString(), "check", "rules",
                PLAIN_RULES.toString()).orFail();
        assertThat(out).contains("SUCCESS: 6 rules found");
    }

    @Test
    void everyAlertFiresWhenItShouldAndStaysSilentWhenItShouldNot() throws Exception {
        String out = promtoolTest("plain", Files.readString(PLAIN_RULES));
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void theChartsPrometheusRuleIsThePlainRulesFileAndPassesTheSameTests() throws Exception {
        Map<String, Object> rule = Chart.render(Chart.example("monitoring")).one("PrometheusRule");
        Map<String, Object> groups = Map.of("groups", at(rule, "spec").get("groups"));
        String rendered = Manifests.yaml().dump(groups);

        assertThat(groups).as("deploy/prometheus/understudy-alerts.yaml is the chart's rules with default values")
                .isEqualTo(map(Manifests.yaml().load(Files.readString(PLAIN_RULES))));
        Path file = Tools.workDir("promtool-chart").resolve("rules.yaml");
        Files.writeString(file, rendered);
        assertThat(Tools.run(PROMTOOL_LIMIT, Tools.PROJECT, Tools.promtool().toString(), "check", "rules",
                file.toString()).orFail()).contains("SUCCESS: 6 rules found");
        assertThat(promtoolTest("chart", rendered)).contains("SUCCESS");
    }

    @Test
    void theSidecarModesRulesSelectThePodMonitorsJobAndStillParse() throws Exception {
        Map<String, Object> rule = Chart.render(List.of(Chart.example("sidecar")),
                Map.of("metrics.prometheusRule.enabled", true)).one("PrometheusRule");
        String rendered = Manifests.yaml().dump(Map.of("groups", at(rule, "spec").get("groups")));

        assertThat(rendered).contains("job=\"llm/understudy\"").doesNotContain("job=\"understudy\"");
        Path file = Tools.workDir("promtool-sidecar").resolve("rules.yaml");
        Files.writeString(file, rendered);
        assertThat(Tools.run(PROMTOOL_LIMIT, Tools.PROJECT, Tools.promtool().toString(), "check", "rules",
                file.toString()).orFail()).contains("SUCCESS: 6 rules found");
    }

    @Test
    void eachAlertHasAFiringAndASilentCase() throws Exception {
        Set<String> fires = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (Map<String, Object> test : list(unitTests().get("tests"))) {
            for (Map<String, Object> check : list(test.get("alert_rule_test"))) {
                String alert = (String) check.get("alertname");
                (list(check.get("exp_alerts")).isEmpty() ? silent : fires).add(alert);
            }
        }
        List<String> inRules = list(list(map(Manifests.yaml().load(Files.readString(PLAIN_RULES))).get("groups"))
                .get(0).get("rules")).stream().map(r -> (String) r.get("alert")).toList();
        assertThat(inRules).containsExactlyElementsOf(ALERTS);
        assertThat(fires).as("alerts with a case where they fire").containsExactlyInAnyOrderElementsOf(ALERTS);
        assertThat(silent).as("alerts with a case where they stay silent").containsExactlyInAnyOrderElementsOf(ALERTS);
    }

    /**
     * The unit tests' input series carry exactly the names and labels the gateway exposes (as captured
     * from a running gateway in metrics-scrape.txt, which DeployedGatewayIT keeps honest), plus the
     * labels a scrape adds.
     */
    @Test
    void theTestSeriesAreShapedLikeTheGatewaysRealMetrics() throws Exception {
        Map<String, Set<Set<String>>> real = PrometheusText.labelSets(Files.readString(SCRAPE));
        Set<String> used = new HashSet<>();
        for (Map<String, Object> test : list(unitTests().get("tests"))) {
            for (Map<String, Object> input : list(test.get("input_series"))) {
                PrometheusText.Series s = PrometheusText.series((String) input.get("series"));
                used.add(s.name());
                assertThat(real).as("metric %s exists on a real gateway's /q/metrics", s.name()).containsKey(s.name());
                assertThat(s.labels().keySet()).as("target labels of %s", s).containsAll(PrometheusText.TARGET_LABELS);
                Set<String> own = new TreeSet<>(s.labels().keySet());
                own.removeAll(PrometheusText.TARGET_LABELS);
                assertThat(real.get(s.name())).as("label names of %s as the gateway emits them", s).contains(own);
            }
        }
        assertThat(used).containsExactlyInAnyOrder("understudy_requests_total", "understudy_fallbacks_total",
                "understudy_circuit_state", "understudy_queue_depth", "understudy_cache_writes_dropped_total");
    }

    private static Map<String, Object> unitTests() throws Exception {
        return map(Manifests.yaml().load(Files.readString(UNIT_TESTS)));
    }

    /** promtool test rules with the given rules as rules.yaml beside a copy of alerts-test.yaml. */
    private static String promtoolTest(String variant, String rules) throws Exception {
        Path dir = Tools.workDir("promtool-test-" + variant);
        Files.writeString(dir.resolve("rules.yaml"), rules);
        Files.copy(UNIT_TESTS, dir.resolve("alerts-test.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return Tools.run(PROMTOOL_LIMIT, dir, Tools.promtool().toString(), "test", "rules", "alerts-test.yaml")
                .orFail();
    }
}
