package dev.understudy.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged gateway (the JVM jar; the native binary with -Dnative) started as the chart starts it:
 * with the application.yaml of the chart's rendered ConfigMap (values-it.yaml) through
 * quarkus.config.locations. Checks the endpoints the probes call, that the routes come from the
 * ConfigMap and answer only the caller key the chart generated (read from its rendered Secret), and that
 * /q/metrics carries every series the alerts, their promtool tests and the Grafana dashboard read — names
 * and label sets taken from this running gateway, not from memory.
 */
@QuarkusIntegrationTest
@TestProfile(DeployedGatewayIT.ChartConfigMap.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployedGatewayIT {

    /**
     * Documented metric names (docs/operations.md) that an alert or the dashboard reads but no code emits yet (empty since
     * understudy_cost_usd_total landed); the check below says when an entry has become stale.
     */
    private static final Set<String> NOT_EMITTED_YET = Set.of();
    private static final Pattern METRIC = Pattern.compile("\\bunderstudy_[a-z_]+");

    /**
     * Renders the chart with values-it.yaml and hands its ConfigMap's application.yaml to the gateway; the
     * caller key of the same rendering's Secret is kept next to it for the requests (a render generates new keys).
     */
    public static class ChartConfigMap implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Manifests m = Chart.render(Tools.FIXTURES.resolve("values-it.yaml"));
            Map<String, Object> config = Manifests.map(Manifests.yaml().load(
                    GatewayPodChecks.gatewayConfig(m, m.one("Deployment"))));
            Map<String, Object> auth = Manifests.at(config, "understudy", "auth");
            assertThat(auth).as("the chart's default: the admin API on a port of its own").containsKey("admin-port");
            int adminPort = freePort(); // the chart's 9001 may be taken on a test machine
            auth.put("admin-port", adminPort);
            String yaml = Manifests.yaml().dump(config);
            String callerKey = GatewayPodChecks.generatedKeys(m).get("caller-key");
            String adminKey = GatewayPodChecks.generatedKeys(m).get("admin-key");
            assertThat(callerKey).as("the chart's default: a generated caller key in its Secret").isNotBlank();
            try {
                Path dir = Tools.workDir("it-configmap");
                Path file = dir.resolve("application.yaml");
                Files.writeString(file, yaml);
                Files.writeString(dir.resolve("caller-key"), callerKey);
                Files.writeString(dir.resolve("admin-key"), adminKey);
                Files.writeString(dir.resolve("admin-port"), Integer.toString(adminPort));
                return Map.of("quarkus.config.locations", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    @Order(1)
    void answersTheProbesTheChartConfigures() {
        for (String probe : List.of("/q/health/started", "/q/health/live", "/q/health/ready")) {
            given().get(probe).then().statusCode(200);
        }
    }

    @Test
    @Order(2)
    void servesTheRoutesOfTheChartsConfigMapOnlyWithTheGeneratedCallerKey() throws IOException {
        given().get("/v1/models").then().statusCode(401);
        given().header("Authorization", "Bearer not-the-key").get("/v1/models").then().statusCode(401);
        given().header("Authorization", "Bearer " + callerKey()).get("/v1/models").then().statusCode(200)
                .body("data.id", hasItems("dead", "degraded", "demo"));
        given().contentType("application/json").body("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(401);
    }

    @Test
    @Order(3)
    void servesTheAdminApiOnItsOwnPortBehindTheGeneratedAdminKeyOnly() throws IOException {
        String dir = "it-configmap";
        int adminPort = Integer.parseInt(Files.readString(Tools.workDir(dir).resolve("admin-port")));
        String adminKey = Files.readString(Tools.workDir(dir).resolve("admin-key"));
        given().header("Authorization", "Bearer " + adminKey).get("/admin/status").then().statusCode(404);
        given().port(adminPort).get("/admin/status").then().statusCode(401);
        given().port(adminPort).header("Authorization", "Bearer " + callerKey()).get("/admin/status").then()
                .statusCode(403);
        given().port(adminPort).header("Authorization", "Bearer " + adminKey).get("/admin/status").then()
                .statusCode(200).body("routes.name", hasItems("dead", "degraded", "demo"));
    }

    @Test
    @Order(4)
    void exposesEverySeriesTheAlertsTheirTestsAndTheDashboardRead() throws Exception {
        for (String route : List.of("dead", "degraded", "demo")) {
            for (int i = 0; i < 7; i++) {
                chat(route, false).then().statusCode(route.equals("dead") ? 503 : 200);
            }
        }
        chat("dead", true).then().statusCode(202);
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Set<Set<String>>> live = PrometheusText.labelSets(scrape);

        // The recorded scrape the promtool tests are shaped on still matches the gateway.
        Map<String, Set<Set<String>>> recorded = PrometheusText.labelSets(
                Files.readString(Tools.FIXTURES.resolve("metrics-scrape.txt")));
        for (var family : recorded.entrySet()) {
            assertThat(live).as("metric %s of metrics-scrape.txt on the running gateway", family.getKey())
                    .containsKey(family.getKey());
            assertThat(live.get(family.getKey())).as("label names of %s", family.getKey())
                    .containsAll(family.getValue());
        }

        // Every metric an alert or a dashboard panel reads is on /q/metrics (or knowingly not yet).
        Set<String> read = new TreeSet<>();
        collect(Files.readString(Tools.DEPLOY.resolve("prometheus/understudy-alerts.yaml")), read);
        DashboardTest.queries().values().forEach(q -> collect(q, read));
        Set<String> liveBases = new HashSet<>();
        live.keySet().forEach(n -> liveBases.add(n.replaceAll("_(bucket|count|sum|max)$", "")));
        for (String metric : read) {
            if (NOT_EMITTED_YET.contains(metric)) {
                assertThat(liveBases).as("%s is emitted now: remove it from NOT_EMITTED_YET", metric)
                        .doesNotContain(metric);
            } else {
                assertThat(liveBases).as("%s, read by an alert or the dashboard", metric).contains(metric);
            }
        }

        // The label values the alerts select on occur as the gateway writes them.
        assertThat(scrape).contains("understudy_requests_total{outcome=\"failed\",route=\"dead\",source=\"none\"}",
                "understudy_requests_total{outcome=\"queued\",route=\"dead\",source=\"none\"}",
                "understudy_requests_total{outcome=\"ok\",route=\"degraded\",source=\"static\"}",
                "understudy_requests_total{outcome=\"ok\",route=\"demo\",source=\"provider\"}",
                "understudy_circuit_state{model=\"mock-a\",provider=\"down-a\"} 2.0");
        assertThat(scrape).containsPattern("understudy_fallbacks_total\\{reason=\"server\",route=\"dead\"} [1-9]");
        // NaN here means Micrometer lost the gauge's function: it holds it weakly unless told otherwise, so
        // after a garbage collection the queue depth alert could never fire.
        assertThat(scrape).as("understudy_queue_depth after one queued request (NaN: the gauge's supplier was "
                + "garbage-collected; register it with Gauge.builder(name, supplier), which holds it strongly)")
                .containsPattern("(?m)^understudy_queue_depth [1-9]");
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The caller key the chart generated for the rendering the gateway runs with (see ChartConfigMap). */
    private static String callerKey() throws IOException {
        return Files.readString(Tools.workDir("it-configmap").resolve("caller-key"));
    }

    private static io.restassured.response.Response chat(String route, boolean canWait) throws IOException {
        var request = given().contentType("application/json").header("Authorization", "Bearer " + callerKey());
        if (canWait) {
            request = request.header("x-understudy-can-wait", "true");
        }
        return request.body("{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    private static void collect(String text, Set<String> into) {
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            into.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
    }
}
