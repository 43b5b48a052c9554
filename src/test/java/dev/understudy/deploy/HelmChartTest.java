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
import static org.assertj.core.api.Assertions.tuple;

import com.marcnuri.helm.LintResult;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.security.Keys;
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
 * resources, security context, no secret inlined, caller and admin keys on by default (generated, only
 * their hashes configured), the admin API on its own port, and a ConfigMap the gateway itself accepts.
 */
class HelmChartTest {

    @Test
    void lintsCleanlyInStrictModeForTheDefaultsAndEveryExample() throws Exception {
        Map<String, List<Path>> variants = new LinkedHashMap<>();
        variants.put("default", List.of());
        for (String example : List.of("sidecar", "redis", "monitoring", "keys")) {
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

        assertThat(m.kinds()).containsExactly("ConfigMap", "Deployment", "Secret", "Service", "ServiceAccount");
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
        // No provider keys configured: nothing is read from a Secret, only mock providers will answer (the
        // gateway's own keys are configured as hashes in the ConfigMap, not as variables).
        assertThat(list(gatewayContainer(deployment).get("env"))).noneMatch(e -> e.containsKey("valueFrom"));
    }

    @Test
    void rendersTheGatewayAsANativeSidecarNextToTheApplication() {
        Manifests m = Chart.render(Chart.example("sidecar"));

        assertThat(m.kinds()).containsExactly("ConfigMap", "Deployment", "PodMonitor", "Secret", "Service",
                "ServiceAccount");
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
        // The app sends the generated caller key; an OpenAI SDK reads it as OPENAI_API_KEY.
        for (String var : List.of("UNDERSTUDY_API_KEY", "OPENAI_API_KEY")) {
            assertThat(at(envEntry(app, var), "valueFrom", "secretKeyRef")).as(var)
                    .containsEntry("name", "understudy-auth").containsEntry("key", "caller-key");
        }

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
    void exportsTracesOnlyOnceAnOtlpEndpointIsGiven() {
        assertThat(list(gatewayContainer(Chart.render().one("Deployment")).get("env")))
                .noneMatch(e -> String.valueOf(e.get("name")).startsWith("QUARKUS_OTEL_"));

        Map<String, Object> gateway = gatewayContainer(Chart.render(List.of(), Map.of(
                "tracing.endpoint", "http://otel-collector.observability:4318")).one("Deployment"));
        assertThat(GatewayPodChecks.env(gateway, "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT"))
                .isEqualTo("http://otel-collector.observability:4318");
        assertThat(GatewayPodChecks.env(gateway, "QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL")).isEqualTo("http/protobuf");
        assertThat(GatewayPodChecks.env(gateway, "QUARKUS_OTEL_TRACES_SAMPLER_ARG")).isEqualTo("1"); // every trace
        assertThat(GatewayPodChecks.env(gateway, "UNDERSTUDY_TRACING_CAPTURE_CONTENT")).isEqualTo("false");
    }

    @Test
    void refusesATracingEndpointThatIsNotAUrlOrAnUnknownProtocol() {
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("tracing.endpoint", "otel-collector:4317")))
                .hasMessageContaining("tracing");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("tracing.endpoint", "http://c:4318",
                "tracing.protocol", "http/json"))).hasMessageContaining("protocol");
        // the gateway has no gRPC exporter
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("tracing.endpoint", "http://c:4317",
                "tracing.protocol", "grpc"))).hasMessageContaining("protocol");
    }

    @Test
    void rendersMonitoringAutoscalingAndADisruptionBudgetWhenSwitchedOn() {
        Manifests m = Chart.render(Chart.example("monitoring"));

        assertThat(m.kinds()).containsExactly("ConfigMap", "Deployment", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "PrometheusRule", "Secret", "Service", "ServiceAccount", "ServiceMonitor");
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
        assertThat(list(at(rule, "spec").get("groups")).get(0).get("rules")).asList().hasSize(6);
    }

    @Test
    void requiresCallerAndAdminKeysByDefaultGeneratedIntoASecretAndConfiguredAsTheirHashes() throws Exception {
        Manifests m = Chart.render();

        Map<String, Object> secret = m.one("Secret");
        assertThat(Manifests.name(secret)).isEqualTo("understudy-auth");
        Map<String, String> generated = GatewayPodChecks.generatedKeys(m);
        assertThat(generated).containsOnlyKeys("caller-key", "admin-key");
        assertThat(generated.values()).allSatisfy(k -> assertThat(k).matches("[A-Za-z0-9]{48}"));
        assertThat(generated.get("caller-key")).isNotEqualTo(generated.get("admin-key"));

        // What the gateway binds: one caller key, named default, and the admin key, both as the SHA-256
        // of the Secret's keys, the same digest the gateway computes of a presented key.
        String config = gatewayConfig(m, m.one("Deployment"));
        UnderstudyConfig.Auth auth = GatewayConfig.auth(config);
        assertThat(auth.keys()).containsOnlyKeys("default");
        assertThat(hex(auth.keys().get("default").hash())).isEqualTo(Keys.sha256(generated.get("caller-key")));
        assertThat(auth.keys().get("default").routes()).as("the generated key may use every route").isEmpty();
        assertThat(hex(auth.adminKeyHash().orElseThrow())).isEqualTo(Keys.sha256(generated.get("admin-key")));
        assertThat(auth.adminEnabled()).isTrue();
        assertThat(at(map(Manifests.yaml().load(config)), "understudy", "auth")).containsEntry("admin-port", 9001)
                .doesNotContainKey("admin-host");

        // The keys themselves are nowhere but (base64) in the Secret: not in the ConfigMap, not in env.
        assertNoInlinedSecrets(m);
        for (String key : generated.values()) {
            assertThat(config).doesNotContain(key);
        }
        // Every render generates new keys (an upgrade keeps the installed ones through lookup).
        assertThat(GatewayPodChecks.generatedKeys(Chart.render()).get("caller-key")).isNotEqualTo(generated.get("caller-key"));
    }

    @Test
    void theNotesSayHowToReadTheGeneratedKeysAndReachTheAdminApi() {
        String notes = Chart.notes(List.of(), Map.of());

        assertThat(notes).contains(
                "kubectl -n llm get secret understudy-auth -o jsonpath='{.data.caller-key}' | base64 -d",
                "kubectl -n llm get secret understudy-auth -o jsonpath='{.data.admin-key}' | base64 -d",
                "-H \"Authorization: Bearer $UNDERSTUDY_API_KEY\"",
                "kubectl -n llm port-forward deploy/understudy 9001",
                "curl http://127.0.0.1:9001/admin/status -H \"Authorization: Bearer $UNDERSTUDY_ADMIN_KEY\"")
                .doesNotContain("AUTH IS OFF");
    }

    @Test
    void servesTheAdminApiOnANamedPortOfTheContainerThatTheServiceLeavesOut() {
        Manifests m = Chart.render();
        Map<String, Object> gateway = gatewayContainer(m.one("Deployment"));

        assertThat(list(gateway.get("ports"))).extracting(p -> p.get("name"), p -> p.get("containerPort"))
                .containsExactly(tuple("gateway", 8080), tuple("admin", 9001));
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(at(gateway, probe, "httpGet")).as(probe).containsEntry("port", "gateway");
        }
        assertThat(list(at(m.one("Service"), "spec").get("ports"))).extracting(p -> p.get("targetPort"))
                .containsExactly("gateway");

        // Asked for, the Service carries it too.
        Manifests exposed = Chart.render(List.of(), Map.of("admin.service.enabled", true));
        assertThat(list(at(exposed.one("Service"), "spec").get("ports"))).extracting(p -> p.get("name"), p -> p.get("targetPort"))
                .containsExactly(tuple("http", "gateway"), tuple("admin", "admin"));

        // admin.port null: /admin/* on the gateway's port, no second listener.
        Manifests samePort = Chart.render(List.of(), Map.of("admin.port", "null"));
        assertThat(list(gatewayContainer(samePort.one("Deployment")).get("ports"))).extracting(p -> p.get("name"))
                .containsExactly("gateway");
        assertThat(authTree(samePort)).doesNotContainKey("admin-port").containsEntry("admin-enabled", true);
    }

    @Test
    void canSwitchTheAdminApiOffEntirely() throws Exception {
        Manifests m = Chart.render(List.of(), Map.of("admin.enabled", false));

        assertThat(GatewayPodChecks.generatedKeys(m)).as("no admin key to generate").containsOnlyKeys("caller-key");
        assertThat(list(gatewayContainer(m.one("Deployment")).get("ports"))).extracting(p -> p.get("name"))
                .containsExactly("gateway");
        UnderstudyConfig.Auth auth = GatewayConfig.auth(gatewayConfig(m, m.one("Deployment")));
        assertThat(auth.adminEnabled()).isFalse();
        assertThat(auth.adminKeyHash()).isEmpty();
        assertThat(authTree(m)).doesNotContainKey("admin-port");
        assertThat(Chart.notes(List.of(), Map.of("admin.enabled", false))).contains("The admin API is disabled");
    }

    @Test
    void authEnabledFalseIsAnExplicitOptOutThatRendersAnOpenGatewayAndWarns() throws Exception {
        Manifests m = Chart.render(List.of(), Map.of("auth.enabled", false));

        assertThat(m.kinds()).doesNotContain("Secret");
        UnderstudyConfig.Auth auth = GatewayConfig.auth(gatewayConfig(m, m.one("Deployment")));
        assertThat(auth.keys()).as("no caller keys: the gateway is open").isEmpty();
        assertThat(auth.adminKeyHash()).isEmpty();
        assertThat(Chart.notes(List.of(), Map.of("auth.enabled", false)))
                .contains("WARNING: AUTH IS OFF (auth.enabled=false): THIS GATEWAY IS OPEN")
                .doesNotContain("Authorization: Bearer");
    }

    @Test
    void rendersGivenKeysAsTheyAreAndGeneratesOnlyTheMissingAdminKey() throws Exception {
        Path values = Tools.FIXTURES.resolve("values-keys.yaml");
        Map<String, Object> given = at(map(Manifests.yaml().load(Files.readString(values))), "auth", "keys");
        Manifests m = Chart.render(values);

        assertThat(authTree(m).get("keys")).isEqualTo(given);
        assertThat(GatewayPodChecks.generatedKeys(m)).containsOnlyKeys("admin-key");
        UnderstudyConfig.Auth auth = GatewayConfig.auth(gatewayConfig(m, m.one("Deployment")));
        assertThat(auth.keys()).containsOnlyKeys("team-a", "team-b");
        UnderstudyConfig.Auth.Key a = auth.keys().get("team-a");
        assertThat(hex(a.hash())).isEqualTo(Keys.sha256("team-a-key"));
        assertThat(a.routes()).contains(List.of("default"));
        assertThat(a.rate().getAsDouble()).isEqualTo(2.5);
        assertThat(a.burst().getAsInt()).isEqualTo(5);
        assertThat(a.tenant()).contains("shared");
        assertThat(hex(auth.keys().get("team-b").hash())).isEqualTo(Keys.sha256("team-b-key"));
        assertNoInlinedSecrets(m);
        assertThat(Chart.notes(List.of(values), Map.of())).contains("one of the keys of auth.keys (team-a, team-b)")
                .doesNotContain("{.data.caller-key}");

        // The README's example of keys managed by their owners: nothing generated, admin port in the Service.
        Manifests example = Chart.render(Chart.example("keys"));
        assertThat(example.kinds()).doesNotContain("Secret");
        assertThat(authTree(example).get("keys")).isEqualTo(at(map(Manifests.yaml().load(
                Files.readString(Chart.example("keys")))), "auth", "keys"));
        assertThat(list(at(example.one("Service"), "spec").get("ports"))).extracting(p -> p.get("name"))
                .containsExactly("http", "admin");

        // With the admin key's hash given as well, the chart generates nothing: no Secret at all.
        String adminHash = Keys.sha256("the-admin-key");
        Manifests none = Chart.render(List.of(values), Map.of("auth.adminKeyHash", adminHash));
        assertThat(none.kinds()).doesNotContain("Secret");
        assertThat(authTree(none)).containsEntry("admin-key-hash", adminHash);
    }

    @Test
    void refusesAKeyWhereItsHashBelongsAndAuthSetBehindTheChartsBack() {
        String key = "xk-" + "a".repeat(40);
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("auth.keys.team.hash", key)))
                .hasMessageContaining("auth/keys/team/hash").hasMessageContaining("^(sha256:)?[0-9a-f]{64}$");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("auth.keys.team.hash", "SHA256:" + "A".repeat(64))))
                .hasMessageContaining("auth/keys/team/hash");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("auth.adminKeyHash", key)))
                .hasMessageContaining("adminKeyHash");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("auth.keys.team.routes", "chat")))
                .as("a key needs its hash").hasMessageContaining("hash");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("understudy.auth.admin-enabled", false)))
                .hasMessageContaining("auth.keys");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("admin.port", 8080)))
                .hasMessageContaining("admin.port must differ from gateway.port");
    }

    @Test
    void switchesTheImagesDemoRouteOffOnceProviderKeysAreGivenUnlessTheValuesKeepIt() throws Exception {
        Map<String, String> keys = Map.of("OPENAI_API_KEY", "from-the-secret");
        Manifests withKeys = Chart.render(List.of(), Map.of("providerKeys.existingSecret", "provider-keys"));
        assertThat(GatewayConfig.servedRoutes(gatewayConfig(withKeys, withKeys.one("Deployment")), keys))
                .as("its always-failing mock would keep a breaker open and UnderstudyCircuitOpen firing")
                .containsKey("default").doesNotContainKey("demo");
        Manifests kept = Chart.render(List.of(), Map.of("providerKeys.existingSecret", "provider-keys",
                "understudy.routes.demo.enabled", true));
        assertThat(GatewayConfig.servedRoutes(gatewayConfig(kept, kept.one("Deployment")), keys))
                .containsKeys("default", "demo");
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

        for (String example : List.of("redis", "monitoring", "keys")) {
            Manifests m = Chart.render(Chart.example(example));
            assertThat(GatewayConfig.servedRoutes(gatewayConfig(m, m.one("Deployment")), keys)).as(example)
                    .containsKey("default").doesNotContainKey("demo");
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
    void acceptsVertexAndAzureOpenAiProvidersWithTheirIdentityKeys() {
        Map<String, Object> sets = new java.util.HashMap<>();
        sets.put("understudy.providers.vertex.type", "vertex");
        sets.put("understudy.providers.vertex.project", "my-project");
        sets.put("understudy.providers.vertex.location", "us-east5");
        sets.put("understudy.providers.azure.type", "azure-openai");
        sets.put("understudy.providers.azure.base-url", "https://my-resource.openai.azure.com");
        sets.put("understudy.providers.azure.api-version", "v1");
        sets.put("understudy.providers.azure.client-secret", "${AZURE_CLIENT_SECRET:}");
        assertThat(Chart.render(List.of(), sets)).isNotNull();
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
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of("understudy.providers.azure.type", "azure-openai",
                "understudy.providers.azure.client-secret", "Q~8Q8Q~live-client-secret-value")))
                .hasMessageContaining("client-secret");
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

    /** understudy.auth of the rendered application.yaml, as the chart wrote it. */
    private static Map<String, Object> authTree(Manifests m) {
        return at(map(Manifests.yaml().load(gatewayConfig(m, m.one("Deployment")))), "understudy", "auth");
    }

    /** A configured hash without its optional "sha256:" prefix. */
    private static String hex(String hash) {
        return hash.startsWith("sha256:") ? hash.substring(7) : hash;
    }

    private static void assertProviderKeysFromSecret(Map<String, Object> gateway, String secret) {
        for (String var : List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY")) {
            assertThat(at(envEntry(gateway, var), "valueFrom", "secretKeyRef")).as(var)
                    .containsEntry("name", secret).containsEntry("optional", true);
        }
    }
}
