package dev.understudy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM image runs on a linked runtime of the JDK modules listed in deploy/jlink-jre.sh: every module that
 * {@code jdeps} finds referenced by the packaged jars (target/quarkus-app) must be in that list, so a new
 * library that needs another module fails here, not in a container. The jars' classes are copied out without
 * module-info first: jdeps would otherwise insist on resolving every modular jar's own requirements.
 */
class JlinkModulesIT {

    private static final Path APP = Path.of("target/quarkus-app");
    private static final Path SCRIPT = Path.of("deploy/jlink-jre.sh");
    /** Referred to only by Vert.x's annotation processor (vertx-codegen), which never runs in the gateway. */
    private static final Set<String> NEVER_LOADED = Set.of("jdk.compiler");
    private static final Pattern MODULE_LINE = Pattern.compile("(?m)^modules\\+?=,?(\\S+)$");
    private static final Pattern DEPENDENCY = Pattern.compile("(?m)^\\S+ -> ((?:java|jdk)\\.\\S+)$");

    @Test
    void theLinkedRuntimeHasEveryJdkModuleThePackagedJarsUse(@TempDir Path classes) throws IOException {
        Set<String> used = jdkModulesUsed(classes);
        used.removeAll(NEVER_LOADED);
        assertThat(used).as("jdeps over %s", APP).contains("java.base", "java.management");
        assertThat(linkedModules()).as("the modules in %s", SCRIPT).containsAll(used);
    }

    private static Set<String> linkedModules() throws IOException {
        Set<String> modules = new TreeSet<>();
        Matcher m = MODULE_LINE.matcher(Files.readString(SCRIPT));
        while (m.find()) {
            modules.addAll(Arrays.asList(m.group(1).split(",")));
        }
        return modules;
    }

    private static Set<String> jdkModulesUsed(Path classes) throws IOException {
        List<String> args = new ArrayList<>(List.of("-summary", "--ignore-missing-deps"));
        try (Stream<Path> files = Files.walk(APP)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Path dir = classes.resolve(jar.getFileName().toString().replaceFirst("\\.jar$", ""));
                if (copyClasses(jar, dir) > 0) {
                    args.add(dir.toString());
                }
            }
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() ->
                new IllegalStateException("jdeps is not in this JDK (" + System.getProperty("java.home") + ")"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertThat(status).as("jdeps: %s", err).isZero();
        Set<String> modules = new TreeSet<>();
        Matcher m = DEPENDENCY.matcher(out.toString());
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }

    /** The jar's classes, without module descriptors and without the multi-release versions; how many. */
    private static int copyClasses(Path jar, Path dir) throws IOException {
        Files.createDirectories(dir);
        int copied = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String name = entry.getName();
                if (entry.isDirectory() || !name.endsWith(".class") || name.endsWith("module-info.class")
                        || name.startsWith("META-INF/")) {
                    continue;
                }
                Path target = dir.resolve(name).normalize();
                if (!target.startsWith(dir)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                copied++;
            }
        }
        return copied;
    }
}
