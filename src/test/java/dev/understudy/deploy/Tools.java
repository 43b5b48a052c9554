package dev.understudy.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External tools of the deploy checks (promtool, kubectl). A missing kubectl fails the test with what to
 * install. promtool is the one tool a developer machine may lack (Maven cannot bring it): without it its
 * checks are skipped with one line saying so, unless {@code UNDERSTUDY_REQUIRE_TOOLS} names it (.ci/run sets
 * {@code UNDERSTUDY_REQUIRE_TOOLS=promtool}), which turns the skip into a failure: CI never skips them silently.
 */
final class Tools {

    /** Where the repository's deploy files are; tests run with the project directory as working directory. */
    static final Path PROJECT = Path.of("").toAbsolutePath();
    static final Path CHART = PROJECT.resolve("helm/understudy");
    static final Path DEPLOY = PROJECT.resolve("deploy");
    static final Path FIXTURES = PROJECT.resolve("src/test/resources/deploy");
    static final Path WORK = PROJECT.resolve("target/deploy-checks");

    private Tools() {
    }

    /** Names the tools whose absence fails a check instead of skipping it (comma-separated). */
    static final String REQUIRE_TOOLS = "UNDERSTUDY_REQUIRE_TOOLS";

    /** The executable on the PATH, or an AssertionError that says how to get it. */
    static Path require(String command, String howToInstall) {
        return onPath(command).orElseThrow(() -> new AssertionError(
                "'" + command + "' is not on the PATH, and this check needs it: " + howToInstall));
    }

    /**
     * promtool, or (when it is not on the PATH) a skipped check with one line saying why; a failure instead
     * when {@code UNDERSTUDY_REQUIRE_TOOLS} names it.
     */
    static Path promtool() {
        String howToInstall = "apt-get install prometheus (Debian's package ships promtool; .ci/run installs it)";
        if (required("promtool", System.getenv(REQUIRE_TOOLS))) {
            return require("promtool", howToInstall + "; " + REQUIRE_TOOLS + " makes it mandatory");
        }
        Optional<Path> promtool = onPath("promtool");
        Assumptions.assumeTrue(promtool.isPresent(),
                "promtool is not on the PATH: alert-rule and dashboard query checks skipped (" + howToInstall + ")");
        return promtool.orElseThrow();
    }

    /** Whether the comma-separated list names the tool. */
    static boolean required(String tool, String list) {
        return list != null && Arrays.stream(list.split(",")).map(String::strip).anyMatch(tool::equals);
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Path kubectl() {
        return require("kubectl", "a kubectl 1.24+, whose built-in kustomize renders deploy/kustomize (the machine "
                + "image ships one; Debian's kubernetes-client 1.20 is too old for kustomize components)");
    }

    static Path workDir(String name) throws IOException {
        Path dir = WORK.resolve(name);
        Files.createDirectories(dir);
        return dir;
    }

    /** Runs a command to completion (bounded), returning its exit code and merged output. */
    static Result run(Duration timeout, Path workingDir, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(workingDir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // Output is small (renderings, promtool reports); read it after exit so a stuck tool is still bounded.
        Path out = Files.createTempFile("deploy-check", ".out");
        try {
            var pump = Thread.ofVirtual().start(() -> {
                try {
                    Files.copy(p.getInputStream(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ignored) {
                    // the process is gone; whatever was read is reported below
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout);
            }
            pump.join(Duration.ofSeconds(5));
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), String.join(" ", cmd));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    record Result(int exitCode, String output, String command) {

        /** The output, or an AssertionError with the command and its output. */
        String orFail() {
            if (exitCode != 0) {
                throw new AssertionError(command + " exited with " + exitCode + ":\n" + output);
            }
            return output;
        }
    }
}
