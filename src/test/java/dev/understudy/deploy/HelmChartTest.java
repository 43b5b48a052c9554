package dev.understudy.deploy;

import static dev.understudy.deploy.GatewayPodChecks.assertGatewayContainer;
import static dev.understudy.deploy.GatewayPodChecks.assertNoInlinedSecrets;
import static dev.understudy.deploy.GatewayPodChecks.envEntry;
import static dev.understudy.deploy.GatewayPodChecks.gatewayConfig;
import static dev.understudy.deploy.GatewayPodChecks.gatewayContainer;
import static dev.understudy.deploy.GatewayPodChecks.podSpec;
import static dev.understudy.deploy.Manifests.at;
import static dev.understudy.deploy.Manifests.list;
import static dev.understudy.deploy.Manifests.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * helm/understudy, linted and rendered by real Helm for the default values and the sidecar, Redis and
 * monitoring examples of its README, and the rendered objects checked: probes on the health endpoints,
 * resources, security context, no secret inlined, and a ConfigMap the gateway itself accepts.
 */
class HelmChartTest {

    @Test
    void lintsCleanlyInStrictModeForTheDefaultsAndEveryExample() throws Exception {
        Map<String, List<Path>> variants = new LinkedHashMap<>();
        variants.put("default", List.of());
        for (String example : List.of("sidecar", "redis", "monitoring")) {
            variants.put(example, List.of(Chart.example(example)));
        }
        for (var v : variants.entrySet()) {
            LintResult lint = Chart.lint(v.getKey(), v.getValue());
            assertThat(lint.isFailed()).as("helm lint --strict (%s): %s", v.getKey(), lint.getMessages()).isFalse();
            assertThat(lint.getMessages()).as("helm lint --strict (%s)", v.getKey())
                    .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
        }
    }

    @Test
    void rendersTheGatewayAsAServiceWithTheDefaultValues() {
        Manifests m = Chart.render();

        assertThat(m.kinds()).containsExactly("ConfigMap", "Deployment", "Service", "ServiceAccount");
        Map<String, Object> deployment = m.one("Deployment");
        assertGatewayContainer(deployment);
        assertNoInlinedSecrets(m);
        assertThat(at(deployment, "spec").get("replicas")).isEqualTo(2);
        assertThat(podSpec(deployment).get("automountServiceAccountToken")).isEqualTo(false);
        assertThat(at(deployment, "spec", "template", "metadata", "annotations")).containsKey("checksum/config");

        Map<String, Object> service = m.one("Service");
        assertThat(at(service, "spec", "selector")).isEqualTo(at(deployment, "spec", "selector", "matchLabels"));
        assertThat(list(at(service, "spec").get("ports"))).singleElement()
                .satisfies(p -> assertThat(p).containsEntry("name", "http").containsEntry("targetPort", "gateway"));
        // No provider keys configured: nothing is read from a Secret, only mock providers will answer.
        assertThat(list(gatewayContainer(deployment).get("env"))).noneMatch(e -> e.containsKey("valueFrom"));
    }

    @Test
    void rendersTheGatewayAsANativeSidecarNextToTheApplication() {
        Manifests m = Chart.render(Chart.example("sidecar"));

        assertThat(m.kinds()).containsExactly("ConfigMap", "Deployment", "PodMonitor", "Service", "ServiceAccount");
        Map<String, Object> deployment = m.one("Deployment");
        assertGatewayContainer(deployment);
        assertNoInlinedSecrets(m);

        Map<String, Object> pod = podSpec(deployment);
        Map<String, Object> gateway = list(pod.get("initContainers")).get(0);
        assertThat(gateway).containsEntry("name", "understudy").containsEntry("restartPolicy", "Always");
        assertThat(GatewayPodChecks.env(gateway, "QUARKUS_HTTP_PORT")).isEqualTo("8181");
        Map<String, Object> app = list(pod.get("containers")).get(0);
        assertThat(app).containsEntry("name", "my-app").containsEntry("image", "registry.example.com/my-app:1.4.2");
        assertThat(GatewayPodChecks.env(app, "OPENAI_BASE_URL")).isEqualTo("http://127.0.0.1:8181/v1");
        assertThat(GatewayPodChecks.env(app, "UNDERSTUDY_URL")).isEqualTo("http://127.0.0.1:8181");
        assertThat(GatewayPodChecks.env(app, "LLM_MODEL")).isEqualTo("chat");

        // The Service fronts the app; the gateway is scraped Pod by Pod on its own port.
        assertThat(list(at(m.one("Service"), "spec").get("ports"))).singleElement()
                .satisfies(p -> assertThat(p).containsEntry("port", 80).containsEntry("targetPort", "http"));
        assertThat(list(at(m.one("PodMonitor"), "spec").get("podMetricsEndpoints"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("port", "gateway").containsEntry("path", "/q/metrics"));
        assertProviderKeysFromSecret(gatewayContainer(deployment), "my-app-llm-keys");
    }

    @Test
    void canRunTheSidecarAsAPlainSecondContainerOnOlderClusters() {
        Manifests m = Chart.render(List.of(Chart.example("sidecar")), Map.of("sidecar.nativeSidecar", false));

        Map<String, Object> pod = podSpec(m.one("Deployment"));
        assertThat(pod).doesNotContainKey("initContainers");
        assertThat(list(pod.get("containers"))).extracting(c -> c.get("name")).containsExactly("my-app", "understudy");
        assertThat(gatewayContainer(m.one("Deployment"))).doesNotContainKey("restartPolicy");
        assertGatewayContainer(m.one("Deployment"));
    }

    @Test
    void connectsToRedisWithThePasswordFromAnExistingSecret() {
        Manifests m = Chart.render(Chart.example("redis"));

        Map<String, Object> deployment = m.one("Deployment");
        assertGatewayContainer(deployment);
        assertNoInlinedSecrets(m);
        Map<String, Object> gateway = gatewayContainer(deployment);
        assertThat(GatewayPodChecks.env(gateway, "QUARKUS_REDIS_HOSTS"))
                .isEqualTo("redis://redis-master.cache.svc.cluster.local:6379/0");
        assertThat(at(envEntry(gateway, "QUARKUS_REDIS_PASSWORD"), "valueFrom", "secretKeyRef"))
                .containsEntry("name", "understudy-redis").containsEntry("key", "redis-password");
        assertProviderKeysFromSecret(gateway, "understudy-provider-keys");
    }

    @Test
    void takesAWholeRedisUrlWithCredentialsOnlyFromASecret() {
        Manifests m = Chart.render(List.of(), Map.of("redis.enabled", true, "redis.existingSecret", "redis-conn",
                "redis.urlKey", "url", "redis.passwordKey", ""));

        Map<String, Object> gateway = gatewayContainer(m.one("Deployment"));
        assertThat(at(envEntry(gateway, "QUARKUS_REDIS_HOSTS"), "valueFrom", "secretKeyRef"))
                .containsEntry("name", "redis-conn").containsEntry("key", "url");
        assertThat(list(gateway.get("env"))).noneMatch(e -> "QUARKUS_REDIS_PASSWORD".equals(e.get("name")));
        assertNoInlinedSecrets(m);
    }

    @Test
    void rendersMonitoringAutoscalingAndADisruptionBudgetWhenSwitchedOn() {
        Manifests m = Chart.render(Chart.example("monitoring"));

        assertThat(m.kinds()).containsExactly("ConfigMap", "Deployment", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "PrometheusRule", "Service", "ServiceAccount", "ServiceMonitor");
        Map<String, Object> deployment = m.one("Deployment");
        assertGatewayContainer(deployment);
        assertNoInlinedSecrets(m);
        assertThat(at(deployment, "spec")).as("the HPA owns the replica count").doesNotContainKey("replicas");

        Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
        Map<String, Object> hpa = m.one("HorizontalPodAutoscaler");
        assertThat(at(hpa, "spec", "scaleTargetRef")).containsEntry("kind", "Deployment")
                .containsEntry("name", Manifests.name(deployment));
        assertThat(at(hpa, "spec")).containsEntry("minReplicas", 2).containsEntry("maxReplicas", 8);
        assertThat(podLabels).containsAllEntriesOf(at(m.one("PodDisruptionBudget"), "spec", "selector", "matchLabels"));
        assertThat(at(m.one("PodDisruptionBudget"), "spec")).containsEntry("maxUnavailable", 1);

        Map<String, Object> monitor = m.one("ServiceMonitor");
        assertThat(at(monitor, "metadata", "labels")).containsEntry("release", "kube-prometheus-stack");
        Map<String, Object> service = m.one("Service");
        assertThat(at(service, "metadata", "labels")).containsAllEntriesOf(at(monitor, "spec", "selector", "matchLabels"));
        Map<String, Object> endpoint = list(at(monitor, "spec").get("endpoints")).get(0);
        assertThat(endpoint).containsEntry("path", "/q/metrics");
        assertThat(list(at(service, "spec").get("ports"))).extracting(p -> p.get("name")).contains(endpoint.get("port"));

        Map<String, Object> rule = m.one("PrometheusRule");
        assertThat(at(rule, "metadata", "labels")).containsEntry("release", "kube-prometheus-stack");
        assertThat(list(at(rule, "spec").get("groups")).get(0).get("rules")).asList().hasSize(5);
    }

    @Test
    void theConfigMapOfEveryVariantIsAcceptedByTheGateway() throws Exception {
        Map<String, String> keys = Map.of("OPENAI_API_KEY", "from-the-secret", "ANTHROPIC_API_KEY", "from-the-secret");

        // Defaults: the README's default route, on top of the jar's own demo route.
        String defaults = gatewayConfig(Chart.render(), Chart.render().one("Deployment"));
        assertThat(GatewayConfig.servedRoutes(defaults, Map.of())).as("no keys: only the mock demo route")
                .containsOnlyKeys("demo");
        assertThat(GatewayConfig.servedRoutes(defaults, keys)).containsEntry("default",
                List.of("anthropic/claude-sonnet-4-5", "openai/gpt-4o")).containsKey("demo");

        Manifests sidecar = Chart.render(Chart.example("sidecar"));
        assertThat(GatewayConfig.servedRoutes(gatewayConfig(sidecar, sidecar.one("Deployment")), keys))
                .containsEntry("chat", List.of("openai/gpt-4o-mini", "anthropic/claude-haiku-4-5"));

        for (String example : List.of("redis", "monitoring")) {
            Manifests m = Chart.render(Chart.example(example));
            assertThat(GatewayConfig.servedRoutes(gatewayConfig(m, m.one("Deployment")), keys)).as(example)
                    .containsKeys("default", "demo");
        }

        Manifests it = Chart.render(Tools.FIXTURES.resolve("values-it.yaml"));
        assertThat(GatewayConfig.servedRoutes(gatewayConfig(it, it.one("Deployment")), Map.of()))
                .containsEntry("dead", List.of("down-a/mock-a", "down-b/mock-b"))
                .containsEntry("degraded", List.of("down-b/mock-b"));
    }

    @Test
    void aConfigurationTheGatewayWouldRefuseIsCaughtHere() {
        Manifests m = Chart.render(List.of(), Map.of("understudy.routes.broken.targets[0].provider", "nowhere",
                "understudy.routes.broken.targets[0].model", "m"));

        assertThatThrownBy(() -> GatewayConfig.servedRoutes(gatewayConfig(m, m.one("Deployment")), Map.of()))
                .hasMessageContaining("understudy.routes.broken.targets[0].provider: 'nowhere' is not a configured provider");
    }

    @Test
    void refusesAProviderKeyWrittenIntoTheValues() {
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("understudy.providers.openai.api-key", "sk-live-1234567890")))
                .hasMessageContaining("api-key");
        // Even with the schema skipped, the templates refuse it.
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("understudy.providers.openai.api-key", "${OPENAI_API_KEY:sk-live-1}")))
                .hasMessageContaining("api-key");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("understudy.providers.aws.type", "bedrock",
                "understudy.providers.aws.secret-access-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))
                .hasMessageContaining("secret-access-key");
    }

    @Test
    void refusesRedisCredentialsInTheUrl() {
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("redis.enabled", true,
                "redis.url", "redis://default:hunter2@redis:6379")))
                .hasMessageContaining("redis");
    }

    @Test
    void refusesAnUnknownModeOrASidecarWithoutItsApplication() {
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("mode", "daemonset"))).hasMessageContaining("mode");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("mode", "sidecar"))).hasMessageContaining("sidecar.app");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("replicaCont", 3)))
                .as("a misspelt value is refused, not ignored").hasMessageContaining("replicaCont");
    }

    @Test
    void everyValueCarriesAComment() throws Exception {
        List<String> lines = Files.readAllLines(Tools.CHART.resolve("values.yaml"));
        List<String> uncommented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).strip();
            boolean key = trimmed.matches("(- )?[A-Za-z0-9_-]+:( .*)?");
            boolean commented = i > 0 && lines.get(i - 1).strip().startsWith("#") || trimmed.contains(" # ");
            if (key && !commented) {
                uncommented.add((i + 1) + ": " + lines.get(i));
            }
        }
        assertThat(uncommented).as("values.yaml keys without a comment").isEmpty();
    }

    @Test
    void theSchemaDescribesEveryTopLevelValue() throws Exception {
        Map<String, Object> values = map(Manifests.yaml().load(Files.readString(Tools.CHART.resolve("values.yaml"))));
        Map<String, Object> schema = map(new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(Tools.CHART.resolve("values.schema.json").toFile(), Map.class));
        assertThat(at(schema, "properties").keySet()).containsExactlyInAnyOrderElementsOf(values.keySet());
    }

    private static void assertProviderKeysFromSecret(Map<String, Object> gateway, String secret) {
        for (String var : List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY")) {
            assertThat(at(envEntry(gateway, var), "valueFrom", "secretKeyRef")).as(var)
                    .containsEntry("name", secret).containsEntry("optional", true);
        }
    }
}
