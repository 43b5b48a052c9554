package dev.understudy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation stays complete and self-contained: every configuration key (of the shipped
 * application.yaml and of every {@code @ConfigMapping} interface) is in docs/configuration.md, the README
 * stays a front door, relative links resolve, and no tracked file points outside the repository.
 */
class DocsTest {

    private static final Path DOCS = Tools.PROJECT.resolve("docs");
    private static final Path CONFIGURATION = DOCS.resolve("configuration.md");
    private static final Path README = Tools.PROJECT.resolve("README.md");
    private static final Path APPLICATION_YAML = Tools.PROJECT.resolve("src/main/resources/application.yaml");
    private static final Path MAIN_SOURCES = Tools.PROJECT.resolve("src/main/java");
    private static final int README_LIMIT_BYTES = 10_240;

    private static final Pattern BACKTICKED = Pattern.compile("`([^`\\s]+)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyKeyOfTheConfigInterfacesIsInTheConfigurationReference() throws Exception {
        Set<String> documented = documentedKeys();
        List<String> missing = new ArrayList<>();
        for (String key : interfaceKeys()) {
            if (!documented.contains(normalise(key))) {
                missing.add(key);
            }
        }
        assertThat(missing).as("keys missing from docs/configuration.md (as `key`, map keys as <name>, list "
                + "items as [i])").isEmpty();
    }

    @Test
    void everyKeyOfTheShippedApplicationYamlIsInTheConfigurationReference() throws Exception {
        Set<String> documented = documentedKeys();
        List<Pattern> understudyKeys = interfaceKeys().stream().map(DocsTest::asPattern).toList();
        List<String> missing = new ArrayList<>();
        for (String key : yamlKeys()) {
            boolean known = key.startsWith("understudy.")
                    ? understudyKeys.stream().anyMatch(p -> p.matcher(key).matches())
                    : documented.contains(key);
            if (!known) {
                missing.add(key);
            }
        }
        assertThat(missing).as("application.yaml keys missing from docs/configuration.md").isEmpty();
    }

    @Test
    void theReadmeIsAFrontDoorOfAtMostTenKilobytes() throws IOException {
        assertThat(Files.size(README)).as("README.md size in bytes").isLessThanOrEqualTo(README_LIMIT_BYTES);
    }

    @Test
    void ciRunsExactlyTheReadmesTestCommand() throws IOException {
        List<String> ci = Files.readAllLines(Tools.PROJECT.resolve(".ci/run")).stream()
                .filter(l -> l.startsWith("./mvnw")).toList();
        assertThat(ci).as(".ci/run's Maven command").hasSize(1);
        String readme = Files.readString(README);
        assertThat(readme).as("README.md's quick start").contains("\n" + ci.get(0) + " ");
    }

    @Test
    void everyRelativeLinkOfTheReadmeAndTheDocsResolvesToAFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : markdownPages()) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // absolute URLs
                }
                if (target.startsWith("#")) {
                    if (!anchors(page).contains(target.substring(1))) {
                        broken.add(Tools.PROJECT.relativize(page) + " -> " + target + " (no such heading)");
                    }
                    continue;
                }
                Path file = page.getParent().resolve(target.replaceFirst("#.*", "")).normalize();
                if (!Files.exists(file)) {
                    broken.add(Tools.PROJECT.relativize(page) + " -> " + target);
                } else if (target.contains("#") && file.toString().endsWith(".md")
                        && !anchors(file).contains(target.substring(target.indexOf('#') + 1))) {
                    broken.add(Tools.PROJECT.relativize(page) + " -> " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("relative links to missing files").isEmpty();
    }

    /** The anchors a Markdown page's headings get (GitHub's rule: lower case, punctuation dropped, spaces to -). */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new TreeSet<>();
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("#")) {
                anchors.add(line.replaceFirst("^#+\\s*", "").strip().toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    @Test
    void noTrackedFilePointsOutsideTheRepository() throws Exception {
        // The contract and the developer notes once lived beside the repository; a clone has neither.
        String out = Tools.run(java.time.Duration.ofMinutes(1), Tools.PROJECT, "git", "grep", "-l", "-I", "-e",
                "\\.\\./shared", "-e", "/work/shared", "-e", "DESIGN\\.md", "-e", "DEVELOPERS\\.md", "--", ".",
                ":!src/test/java/dev/understudy/deploy/DocsTest.java").output();
        assertThat(out.lines().filter(l -> !l.isBlank()).toList())
                .as("files that refer to the folder beside the repository, DESIGN.md or DEVELOPERS.md").isEmpty();
    }

    // --- keys of the config interfaces ---

    /** Every leaf key of every @ConfigMapping interface under src/main/java, map keys as <name>, lists as [i]. */
    static Set<String> interfaceKeys() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Class<?> mapping : configMappings()) {
            walk(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, keys);
        }
        assertThat(keys).as("keys found in the config interfaces").isNotEmpty();
        return keys;
    }

    private static List<Class<?>> configMappings() throws IOException, ClassNotFoundException {
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (Files.readString(file).contains("@ConfigMapping")) {
                    String name = MAIN_SOURCES.relativize(file).toString().replace(".java", "").replace('/', '.');
                    Class<?> type = Class.forName(name);
                    if (type.isAnnotationPresent(ConfigMapping.class)) {
                        found.add(type);
                    }
                }
            }
        }
        return found;
    }

    private static void walk(String prefix, Class<?> group, Set<String> keys) {
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() > 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String key = m.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + (m.isAnnotationPresent(WithName.class) ? m.getAnnotation(WithName.class).value()
                            : kebab(m.getName()));
            leaf(key, m.getGenericReturnType(), keys);
        }
    }

    private static void leaf(String key, Type type, Set<String> keys) {
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            leaf(key, argument(type, 0), keys);
        } else if (Map.class.isAssignableFrom(raw)) {
            leaf(key + ".<name>", argument(type, 1), keys);
        } else if (Collection.class.isAssignableFrom(raw) && isGroup(raw(argument(type, 0)))) {
            leaf(key + "[i]", argument(type, 0), keys);
        } else if (isGroup(raw)) {
            walk(key, raw, keys);
        } else {
            keys.add(key);
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    // --- keys of the shipped application.yaml ---

    /** Leaf keys as typed in a properties file: dotted, keys holding a dot quoted, list items as [n]. */
    static Set<String> yamlKeys() throws IOException {
        Object root = Manifests.yaml().load(Files.readString(APPLICATION_YAML));
        Set<String> keys = new TreeSet<>();
        flatten("", root, keys);
        return keys;
    }

    private static void flatten(String key, Object node, Set<String> keys) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (k == null) { // YAML's `~:` is the value of the parent key itself (Quarkus config's convention)
                    flatten(key, v, keys);
                    return;
                }
                String segment = String.valueOf(k).contains(".") ? "\"" + k + "\"" : String.valueOf(k);
                flatten(key.isEmpty() ? segment : key + "." + segment, v, keys);
            });
        } else if (node instanceof List<?> list && list.stream().anyMatch(Map.class::isInstance)) {
            for (int i = 0; i < list.size(); i++) {
                flatten(key + "[" + i + "]", list.get(i), keys);
            }
        } else {
            keys.add(key);
        }
    }

    // --- the reference page ---

    /** Every backticked key of docs/configuration.md, placeholders normalised. */
    private static Set<String> documentedKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        Matcher m = BACKTICKED.matcher(Files.readString(CONFIGURATION, StandardCharsets.UTF_8));
        while (m.find()) {
            keys.add(normalise(m.group(1)));
        }
        return keys;
    }

    /** {@code <route>} and {@code <name>} alike, {@code [0]} and {@code [i]} alike. */
    static String normalise(String key) {
        return key.replaceAll("<[^>]*>", "<>").replaceAll("\\[[^\\]]*\\]", "[]");
    }

    /** An interface key as a pattern a concrete key (a real map key, a real index) matches. */
    static Pattern asPattern(String key) {
        String quoted = Pattern.quote(normalise(key));
        return Pattern.compile(quoted.replace("<>", "\\E[^.]+\\Q").replace("[]", "\\E\\[\\d+\\]\\Q"));
    }

    private static List<Path> markdownPages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(README));
        try (Stream<Path> files = Files.list(DOCS)) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }
}
