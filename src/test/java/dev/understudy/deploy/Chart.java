package dev.understudy.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** helm/understudy rendered and linted by real Helm (its Go library, through helm-java), no cluster. */
final class Chart {

    static final String RELEASE = "understudy";
    static final String NAMESPACE = "llm";
    /** Helm's offline default is 1.20; render for a cluster with native sidecars on by default. */
    static final String KUBE_VERSION = "1.31.0";
    static final Path EXAMPLES = Tools.CHART.resolve("examples");

    private Chart() {
    }

    /** helm template with the chart's values, then each values file in order, then the --set pairs. */
    static Manifests render(List<Path> valuesFiles, Map<String, Object> sets) {
        return Manifests.parse(template(valuesFiles, sets));
    }

    static Manifests render(Path... valuesFiles) {
        return render(List.of(valuesFiles), Map.of());
    }

    static String template(List<Path> valuesFiles, Map<String, Object> sets) {
        TemplateCommand t = new Helm(Tools.CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        valuesFiles.forEach(t::withValuesFile);
        sets.forEach(t::set);
        String out = t.call();
        keepForReading(valuesFiles, sets, out);
        return out;
    }

    /** The NOTES.txt Helm prints after an install, from a client-only dry run with the given values. */
    static String notes(List<Path> valuesFiles, Map<String, Object> sets) {
        InstallCommand install = new Helm(Tools.CHART).install().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION).clientOnly().dryRun();
        valuesFiles.forEach(install::withValuesFile);
        sets.forEach(install::set);
        String out = install.call().getOutput();
        int notes = out.indexOf("NOTES:");
        if (notes < 0) {
            throw new AssertionError("no NOTES in the output of helm install --dry-run:\n" + out);
        }
        return out.substring(notes);
    }

    /** target/deploy-checks/rendered/<values files>.yaml, for a person reading a failure. */
    private static void keepForReading(List<Path> valuesFiles, Map<String, Object> sets, String rendered) {
        String name = valuesFiles.isEmpty() ? "defaults"
                : String.join("+", valuesFiles.stream().map(p -> p.getFileName().toString().replace(".yaml", "")).toList());
        if (!sets.isEmpty()) {
            name += "+set-" + Integer.toHexString(new java.util.TreeMap<>(sets).toString().hashCode());
        }
        try {
            Files.writeString(Tools.workDir("rendered").resolve(name + ".yaml"), rendered);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path example(String name) {
        return EXAMPLES.resolve(name + ".yaml");
    }

    /**
     * helm lint --strict with the given values files merged over the chart's (Helm's lint reads only the
     * chart's own values.yaml, so a copy of the chart gets the merged values as its values.yaml).
     */
    static LintResult lint(String variant, List<Path> valuesFiles) throws IOException {
        Path copy = Tools.workDir("lint").resolve(variant).resolve("understudy");
        deleteTree(copy);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.walk(Tools.CHART)) {
            for (Path f : files.toList()) {
                Path to = copy.resolve(Tools.CHART.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Map<String, Object> values = Manifests.map(Manifests.yaml().load(Files.readString(Tools.CHART.resolve("values.yaml"))));
        for (Path v : valuesFiles) {
            values = Manifests.merge(values, Manifests.map(Manifests.yaml().load(Files.readString(v))));
        }
        Files.writeString(copy.resolve("values.yaml"), Manifests.yaml().dump(values));
        return new Helm(copy).lint().strict().call();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
