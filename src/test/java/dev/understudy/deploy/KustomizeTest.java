package dev.understudy.deploy;

import static dev.understudy.deploy.GatewayPodChecks.assertGatewayContainer;
import static dev.understudy.deploy.GatewayPodChecks.assertNoInlinedSecrets;
import static dev.understudy.deploy.GatewayPodChecks.gatewayConfig;
import static dev.understudy.deploy.GatewayPodChecks.gatewayContainer;
import static dev.understudy.deploy.GatewayPodChecks.podSpec;
import static dev.understudy.deploy.Manifests.at;
import static dev.understudy.deploy.Manifests.list;
import static dev.understudy.deploy.Manifests.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/kustomize, rendered by kubectl's kustomize for both overlays and checked like the chart:
 * probes, resources, security context, no inlined secret, a configuration the gateway accepts.
 */
class KustomizeTest {

    private static final Path KUSTOMIZE = Tools.DEPLOY.resolve("kustomize");
    private static final Map<String, String> KEYS = Map.of("OPENAI_API_KEY", "from-the-secret",
            "ANTHROPIC_API_KEY", "from-the-secret");

    @Test
    void rendersTheServiceOverlay() throws Exception {
        Manifests m = kustomize("service");

        assertThat(m.kinds()).containsExactly("ConfigMap", "ConfigMap", "Deployment", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "Service", "ServiceAccount");
        Map<String, Object> deployment = m.one("Deployment");
        assertGatewayContainer(deployment);
        assertNoInlinedSecrets(m);
        assertThat(list(podSpec(deployment).get("containers"))).extracting(c -> c.get("name"))
                .containsExactly("understudy");

        Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
        Map<String, Object> service = m.one("Service");
        assertThat(podLabels).containsAllEntriesOf(at(service, "spec", "selector"));
        assertThat(list(at(service, "spec").get("ports"))).singleElement()
                .satisfies(p -> assertThat(p).containsEntry("targetPort", "gateway"));
        assertThat(at(m.one("HorizontalPodAutoscaler"), "spec", "scaleTargetRef"))
                .containsEntry("name", Manifests.name(deployment));
        assertThat(podLabels).containsAllEntriesOf(at(m.one("PodDisruptionBudget"), "spec", "selector", "matchLabels"));

        assertThat(GatewayConfig.servedRoutes(gatewayConfig(m, deployment), KEYS))
                .containsEntry("default", List.of("anthropic/claude-sonnet-4-5", "openai/gpt-4o"));
        assertThat(GatewayConfig.servedRoutes(gatewayConfig(m, deployment), Map.of())).containsOnlyKeys("demo");
    }

    @Test
    void rendersTheSidecarOverlayAsANativeSidecarOfTheApplication() throws Exception {
        Manifests m = kustomize("sidecar");

        assertThat(m.kinds()).containsExactly("ConfigMap", "ConfigMap", "Deployment", "Service", "ServiceAccount");
        Map<String, Object> deployment = m.one("Deployment");
        assertThat(Manifests.name(deployment)).isEqualTo("my-app");
        assertGatewayContainer(deployment);
        assertNoInlinedSecrets(m);

        Map<String, Object> pod = podSpec(deployment);
        assertThat(list(pod.get("initContainers"))).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("name", "understudy").containsEntry("restartPolicy", "Always"));
        Map<String, Object> app = list(pod.get("containers")).get(0);
        assertThat(list(pod.get("containers"))).hasSize(1);
        assertThat(app).containsEntry("name", "my-app");
        Object gatewayPort = list(gatewayContainer(deployment).get("ports")).get(0).get("containerPort");
        assertThat(GatewayPodChecks.env(app, "OPENAI_BASE_URL")).isEqualTo("http://127.0.0.1:" + gatewayPort + "/v1");

        Map<String, Object> service = m.one("Service");
        assertThat(at(deployment, "spec", "template", "metadata", "labels")).containsAllEntriesOf(at(service, "spec", "selector"));
        assertThat(list(app.get("ports"))).extracting(p -> p.get("name"))
                .contains(list(at(service, "spec").get("ports")).get(0).get("targetPort"));

        assertThat(GatewayConfig.servedRoutes(gatewayConfig(m, deployment), KEYS)).containsKey("default");
    }

    @Test
    void thePlainManifestsConfigureTheGatewayLikeTheChartsDefaults() throws Exception {
        Map<String, Object> plain = map(Manifests.yaml().load(Files.readString(KUSTOMIZE.resolve("base/application.yaml"))));
        Map<String, Object> chart = map(Manifests.yaml().load(Files.readString(Tools.CHART.resolve("values.yaml"))));
        assertThat(plain.get("understudy")).isEqualTo(chart.get("understudy"));
    }

    @Test
    void theGatewayContainerIsTheSameInKustomizeAndHelm() throws Exception {
        Map<String, Object> helm = gatewayContainer(Chart.render().one("Deployment"));
        Map<String, Object> plain = gatewayContainer(kustomize("service").one("Deployment"));
        for (String field : List.of("startupProbe", "readinessProbe", "livenessProbe", "resources")) {
            assertThat(plain.get(field)).as(field).isEqualTo(helm.get(field));
        }
        // The chart adds the admin API's own port (admin.port); the plain manifests serve /admin/* on the
        // gateway's port (deploy/README.md, "Keys").
        assertThat(plain.get("ports")).as("ports").isEqualTo(list(helm.get("ports")).stream()
                .filter(p -> !"admin".equals(p.get("name"))).toList());
    }

    @Test
    void tracingStaysOffUntilAnOverlaySetsTheOtlpEndpoint() throws Exception {
        assertThat(tracingSettings(kustomize("service")))
                .containsEntry("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "")
                .containsEntry("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");

        Path overlay = Tools.workDir("kustomize-tracing");
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                configMapGenerator:
                  - name: understudy-tracing
                    behavior: merge
                    literals:
                      - QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.observability:4318
                """.formatted(overlay.relativize(KUSTOMIZE.resolve("overlays/service"))));
        Manifests traced = render(overlay, "tracing");
        assertThat(tracingSettings(traced))
                .containsEntry("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4318")
                .containsEntry("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .containsEntry("QUARKUS_OTEL_TRACES_SAMPLER_ARG", "1.0");
        assertGatewayContainer(traced.one("Deployment"));
    }

    /** The data of the ConfigMap the gateway container takes its environment from (envFrom). */
    private static Map<String, Object> tracingSettings(Manifests m) {
        Map<String, Object> gateway = gatewayContainer(m.one("Deployment"));
        List<Map<String, Object>> from = list(gateway.get("envFrom"));
        assertThat(from).hasSize(1);
        String name = (String) at(from.get(0), "configMapRef").get("name");
        assertThat(name).startsWith("understudy-tracing-"); // with its content hash: a change rolls the Pods
        Map<String, Object> cm = m.find("ConfigMap", name)
                .orElseThrow(() -> new AssertionError("ConfigMap " + name + " is not rendered"));
        Map<String, Object> data = new java.util.HashMap<>(at(cm, "data"));
        data.replaceAll((k, v) -> v == null ? "" : v);
        return data;
    }

    /** kubectl kustomize, with a kustomize new enough for components (kustomize v4+, kubectl 1.24+). */
    static Manifests kustomize(String overlay) throws Exception {
        String kubectl = Tools.kubectl().toString();
        String version = Tools.run(Duration.ofSeconds(30), Tools.PROJECT, kubectl, "version", "--client").orFail();
        Matcher v = Pattern.compile("Kustomize Version: v(\\d+)\\.(\\d+)").matcher(version);
        if (!v.find() || Integer.parseInt(v.group(1)) < 4) {
            throw new AssertionError("deploy/kustomize needs a kubectl 1.24+ (kustomize v4+, for components; "
                    + "Debian's kubernetes-client 1.20 is too old), this one says:\n" + version);
        }
        return render(KUSTOMIZE.resolve("overlays").resolve(overlay), overlay);
    }

    private static Manifests render(Path dir, String name) throws Exception {
        String out = Tools.run(Duration.ofMinutes(1), Tools.PROJECT, Tools.kubectl().toString(), "kustomize",
                dir.toString()).orFail();
        Files.writeString(Tools.workDir("rendered").resolve("kustomize-" + name + ".yaml"), out);
        return Manifests.parse(out);
    }
}
