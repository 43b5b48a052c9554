package dev.understudy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Rendered Kubernetes objects (from Helm or kustomize), parsed, with small typed look-ups. */
record Manifests(List<Map<String, Object>> objects, String text) {

    static Manifests parse(String multiDocumentYaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : yaml().loadAll(multiDocumentYaml)) {
            if (doc != null) {
                assertThat(doc).as("every rendered document is an object").isInstanceOf(Map.class);
                objects.add(map(doc));
            }
        }
        return new Manifests(List.copyOf(objects), multiDocumentYaml);
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    List<String> kinds() {
        return objects.stream().map(o -> (String) o.get("kind")).sorted().toList();
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> one(String kind) {
        List<Map<String, Object>> found = ofKind(kind);
        assertThat(found).as("exactly one %s in%n%s", kind, text).hasSize(1);
        return found.get(0);
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    static String name(Map<String, Object> object) {
        return (String) map(object.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (o == null) {
            return Map.of();
        }
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        if (o == null) {
            return List.of();
        }
        assertThat(o).isInstanceOf(List.class);
        return (List<Map<String, Object>>) o;
    }

    static List<String> strings(Object o) {
        if (o == null) {
            return List.of();
        }
        assertThat(o).isInstanceOf(List.class);
        return ((List<?>) o).stream().map(String::valueOf).toList();
    }

    /** Follows a path of map keys; absent steps give an empty map. */
    static Map<String, Object> at(Map<String, Object> root, String... keys) {
        Map<String, Object> m = root;
        for (String k : keys) {
            m = map(m.get(k));
        }
        return m;
    }

    /** Deep merge of {@code override} into a copy of {@code base}, as Helm merges values files. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        override.forEach((k, v) -> {
            Object b = out.get(k);
            if (b instanceof Map<?, ?> && v instanceof Map<?, ?>) {
                out.put(k, merge(map(b), map(v)));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
