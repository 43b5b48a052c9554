package dev.understudy.deploy;

import static dev.understudy.deploy.Manifests.at;
import static dev.understudy.deploy.Manifests.list;
import static dev.understudy.deploy.Manifests.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What every rendering of the gateway must show, whatever produced it (Helm or kustomize): probes on
 * the health endpoints, resources, a locked-down security context, the configuration mounted from a
 * ConfigMap, and no secret value anywhere in the objects.
 */
final class GatewayPodChecks {

    static final String CONTAINER = "understudy";
    /** Things that look like credentials; none may appear in rendered objects. */
    private static final List<Pattern> SECRET_LOOKING = List.of(
            Pattern.compile("sk-[A-Za-z0-9_-]{8,}"), Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._-]{8,}"),
            Pattern.compile("AKIA[0-9A-Z]{16}"), Pattern.compile("rediss?://[^\\s/\"']*:[^\\s/\"']*@"));
    /** Provider fields that hold credentials: only references to environment variables are allowed. */
    private static final List<String> CREDENTIALS = List.of("api-key", "access-key-id", "secret-access-key",
            "session-token");
    /** Keys of the Secret with the gateway keys a chart generates. */
    static final List<String> GENERATED_KEYS = List.of("caller-key", "admin-key");
    /** A gateway key as configured: its SHA-256, never the key. */
    static final String KEY_HASH = "(sha256:)?[0-9a-f]{64}";
    private static final Pattern SECRET_NAMED = Pattern.compile("(?i).*(KEY|PASSWORD|TOKEN|SECRET|CREDENTIAL).*");

    private GatewayPodChecks() {
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return at(workload, "spec", "template", "spec");
    }

    /** The gateway container, from containers or (native sidecar) initContainers. */
    static Map<String, Object> gatewayContainer(Map<String, Object> workload) {
        Map<String, Object> pod = podSpec(workload);
        return Stream.concat(list(pod.get("containers")).stream(), list(pod.get("initContainers")).stream())
                .filter(c -> CONTAINER.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container named " + CONTAINER + " in " + pod));
    }

    /** Probes, resources, security context and mounts of the gateway container in {@code workload}. */
    static void assertGatewayContainer(Map<String, Object> workload) {
        Map<String, Object> pod = podSpec(workload);
        Map<String, Object> c = gatewayContainer(workload);
        int port = gatewayPort(c);

        assertProbe(c, "startupProbe", "/q/health/started", port);
        assertProbe(c, "readinessProbe", "/q/health/ready", port);
        assertProbe(c, "livenessProbe", "/q/health/live", port);

        Map<String, Object> resources = map(c.get("resources"));
        assertThat(at(resources, "requests")).as("resources.requests of %s", CONTAINER).containsKeys("cpu", "memory");
        assertThat(at(resources, "limits")).as("resources.limits of %s", CONTAINER).containsKey("memory");

        Map<String, Object> sc = map(c.get("securityContext"));
        Map<String, Object> podSc = map(pod.get("securityContext"));
        assertThat(sc.get("allowPrivilegeEscalation")).as("allowPrivilegeEscalation").isEqualTo(false);
        assertThat(sc.get("readOnlyRootFilesystem")).as("readOnlyRootFilesystem").isEqualTo(true);
        assertThat(sc.get("privileged")).as("privileged").isNotEqualTo(true);
        assertThat(Objects.requireNonNullElse(sc.get("runAsNonRoot"), podSc.get("runAsNonRoot")))
                .as("runAsNonRoot (container or Pod)").isEqualTo(true);
        assertThat(Manifests.strings(at(sc, "capabilities").get("drop")))
                .as("capabilities.drop").contains("ALL");
        assertThat(Objects.requireNonNullElse(at(sc, "seccompProfile").get("type"), at(podSc, "seccompProfile").get("type")))
                .as("seccompProfile (container or Pod)").isEqualTo("RuntimeDefault");

        // A read-only root needs a writable /tmp (JVM perf data, Vert.x file cache).
        String tmpVolume = mountedVolume(c, "/tmp");
        assertThat(volume(pod, tmpVolume)).as("volume %s of /tmp", tmpVolume).containsKey("emptyDir");
    }

    /**
     * The application.yaml the gateway reads: QUARKUS_CONFIG_LOCATIONS names a file in a directory where
     * a ConfigMap is mounted. Returns that ConfigMap's name and key.
     */
    static ConfigRef configRef(Map<String, Object> workload) {
        Map<String, Object> c = gatewayContainer(workload);
        String location = env(c, "QUARKUS_CONFIG_LOCATIONS");
        assertThat(location).as("QUARKUS_CONFIG_LOCATIONS of %s", CONTAINER).isNotNull().endsWith(".yaml");
        int slash = location.lastIndexOf('/');
        String dir = location.substring(0, slash);
        String key = location.substring(slash + 1);
        String volumeName = mountedVolume(c, dir);
        Map<String, Object> configMap = at(volume(podSpec(workload), volumeName), "configMap");
        assertThat(configMap).as("volume %s is a ConfigMap", volumeName).containsKey("name");
        return new ConfigRef((String) configMap.get("name"), key);
    }

    record ConfigRef(String configMap, String key) {
    }

    /** The gateway's application.yaml, taken from the rendered ConfigMap the Deployment mounts. */
    static String gatewayConfig(Manifests m, Map<String, Object> workload) {
        ConfigRef ref = configRef(workload);
        Map<String, Object> cm = m.find("ConfigMap", ref.configMap())
                .orElseThrow(() -> new AssertionError("ConfigMap " + ref.configMap() + " is not rendered"));
        Object yaml = at(cm, "data").get(ref.key());
        assertThat(yaml).as("key %s of ConfigMap %s", ref.key(), ref.configMap()).isInstanceOf(String.class);
        return (String) yaml;
    }

    /**
     * No Secret object but the chart's generated caller and admin keys (whose values appear nowhere else,
     * not even as plain text in the Secret), no credential-looking text, every secret-named variable from a
     * secretKeyRef, and every api-key in the configuration a reference to such a variable.
     */
    static void assertNoInlinedSecrets(Manifests m) {
        for (Map<String, Object> secret : m.ofKind("Secret")) {
            assertThat(Manifests.name(secret)).as("the only Secret a deployment creates: the generated gateway keys")
                    .endsWith("-auth");
            assertThat(secret).as("generated keys are base64 data, never stringData").doesNotContainKey("stringData");
            assertThat(at(secret, "data").keySet()).as("keys of Secret %s", Manifests.name(secret)).isNotEmpty()
                    .isSubsetOf(GENERATED_KEYS);
            for (String key : generatedKeys(m).values()) {
                assertThat(m.text()).as("a generated key in plain text in the rendered objects").doesNotContain(key);
            }
        }
        for (Pattern p : SECRET_LOOKING) {
            assertThat(p.matcher(m.text()).find()).as("rendered text contains something like %s:%n%s", p, m.text())
                    .isFalse();
        }
        for (Map<String, Object> o : m.objects()) {
            Map<String, Object> pod = podSpec(o);
            for (Map<String, Object> c : allContainers(pod)) {
                for (Map<String, Object> e : list(c.get("env"))) {
                    String name = (String) e.get("name");
                    if (SECRET_NAMED.matcher(name).matches() || name.equals("QUARKUS_REDIS_HOSTS")
                            && e.get("value") == null) {
                        assertThat(e).as("env %s of container %s comes from a Secret", name, c.get("name"))
                                .doesNotContainKey("value");
                        assertThat(at(e, "valueFrom", "secretKeyRef")).as("secretKeyRef of %s", name)
                                .containsKeys("name", "key");
                    }
                }
            }
            if ("ConfigMap".equals(o.get("kind"))) {
                for (Object v : at(o, "data").values()) {
                    assertApiKeysAreReferences(String.valueOf(v));
                }
            }
        }
    }

    /** The gateway's own keys (caller-key, admin-key) from the rendered Secret {@code <fullname>-auth}, decoded. */
    static Map<String, String> generatedKeys(Manifests m) {
        Map<String, String> keys = new java.util.TreeMap<>();
        m.ofKind("Secret").stream().filter(s -> Manifests.name(s).endsWith("-auth")).findFirst()
                .ifPresent(s -> at(s, "data").forEach((k, v) -> keys.put(k, new String(
                        java.util.Base64.getDecoder().decode(String.valueOf(v)), java.nio.charset.StandardCharsets.UTF_8))));
        return keys;
    }

    private static void assertApiKeysAreReferences(String applicationYaml) {
        Object doc = Manifests.yaml().load(applicationYaml);
        if (!(doc instanceof Map<?, ?>)) {
            return;
        }
        Map<String, Object> auth = at(map(doc), "understudy", "auth");
        for (var k : at(auth, "keys").entrySet()) {
            assertThat(String.valueOf(map(k.getValue()).get("hash"))).as("understudy.auth.keys.%s.hash", k.getKey())
                    .matches(KEY_HASH);
        }
        if (auth.containsKey("admin-key-hash")) {
            assertThat(String.valueOf(auth.get("admin-key-hash"))).as("understudy.auth.admin-key-hash").matches(KEY_HASH);
        }
        for (var p : at(map(doc), "understudy", "providers").entrySet()) {
            for (String field : CREDENTIALS) {
                Object key = map(p.getValue()).get(field);
                if (key != null) {
                    assertThat(key.toString()).as("understudy.providers.%s.%s", p.getKey(), field)
                            .matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*:?}");
                }
            }
        }
    }

    static List<Map<String, Object>> allContainers(Map<String, Object> pod) {
        List<Map<String, Object>> all = new ArrayList<>(list(pod.get("containers")));
        all.addAll(list(pod.get("initContainers")));
        return all;
    }

    static String env(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().filter(e -> name.equals(e.get("name")))
                .map(e -> (String) e.get("value")).findFirst().orElse(null);
    }

    static Map<String, Object> envEntry(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().filter(e -> name.equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in container " + container.get("name")));
    }

    private static int gatewayPort(Map<String, Object> c) {
        List<Map<String, Object>> ports = list(c.get("ports"));
        assertThat(ports).as("ports of %s", CONTAINER).isNotEmpty();
        int port = ((Number) ports.get(0).get("containerPort")).intValue();
        String http = env(c, "QUARKUS_HTTP_PORT");
        assertThat(http == null ? 8080 : Integer.parseInt(http)).as("QUARKUS_HTTP_PORT is the container port")
                .isEqualTo(port);
        return port;
    }

    private static void assertProbe(Map<String, Object> c, String probe, String path, int port) {
        Map<String, Object> get = at(c, probe, "httpGet");
        assertThat(get.get("path")).as("%s path", probe).isEqualTo(path);
        Object p = get.get("port");
        if (p instanceof Number n) {
            assertThat(n.intValue()).as("%s port", probe).isEqualTo(port);
        } else {
            assertThat(list(c.get("ports")).stream().filter(x -> p.equals(x.get("name")))
                    .map(x -> ((Number) x.get("containerPort")).intValue()).toList())
                    .as("%s port %s names the gateway's port", probe, p).containsExactly(port);
        }
    }

    private static String mountedVolume(Map<String, Object> c, String path) {
        return list(c.get("volumeMounts")).stream().filter(v -> path.equals(v.get("mountPath")))
                .map(v -> (String) v.get("name")).findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at " + path + " in " + c.get("name")));
    }

    private static Map<String, Object> volume(Map<String, Object> pod, String name) {
        return list(pod.get("volumes")).stream().filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }
}
