package dev.understudy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the official SDK check scripts of {@code src/test/node} (the {@code openai} and
 * {@code @anthropic-ai/sdk} npm clients, unchanged) against the gateway under test. Node.js is required:
 * without it the test fails, so a missing runtime cannot pass unnoticed.
 */
public final class NodeScripts {

    private static final Path NODE_PROJECT = Path.of("src", "test", "node");
    private static final Path LOGS = Path.of("target", "sdk-checks");
    private static final long NPM_CI_SECONDS = 180;
    private static final long CHECK_SECONDS = 60;

    public record Run(int exitCode, String output, Path log) {
    }

    private NodeScripts() {
    }

    /** Runs {@code script} with GATEWAY_URL set, after {@code npm ci} if the SDKs are not installed yet. */
    public static Run run(String script, String gatewayUrl) throws IOException, InterruptedException {
        String node = requireOnPath("node");
        Path modules = NODE_PROJECT.resolve("node_modules");
        if (!Files.isDirectory(modules.resolve("openai")) || !Files.isDirectory(modules.resolve("@anthropic-ai")
                .resolve("sdk"))) {
            Run install = exec(List.of(requireOnPath("npm"), "ci", "--no-audit", "--no-fund"), NPM_CI_SECONDS,
                    "npm-ci.log", null);
            assertThat(install.exitCode()).as("npm ci in %s failed; output:%n%s", NODE_PROJECT, install.output())
                    .isZero();
        }
        return exec(List.of(node, script), CHECK_SECONDS, script + ".log", gatewayUrl);
    }

    private static Run exec(List<String> command, long seconds, String logName, String gatewayUrl)
            throws IOException, InterruptedException {
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(logName).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(command).directory(NODE_PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("NO_COLOR", "1");
        if (gatewayUrl != null) {
            pb.environment().put("GATEWAY_URL", gatewayUrl);
        }
        Process process = pb.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            fail("%s did not finish within %d s; output:%n%s", String.join(" ", command), seconds, read(log));
        }
        return new Run(process.exitValue(), read(log), log);
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }

    /** The absolute path of an executable on the PATH; fails the test (never skips it) when absent. */
    private static String requireOnPath(String executable) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, executable);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return fail("'%s' is not on the PATH: Node.js (with npm) is required to run the official SDKs against "
                + "the gateway (src/test/node). Install Node.js 18+ and rerun.", executable);
    }
}
