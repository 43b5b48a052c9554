package dev.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.Recorded;
import dev.understudy.testing.Script;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the official {@code openai} npm client, unchanged, against the gateway: see
 * {@code src/test/node/openai-sdk-check.mjs} for the checks. Node.js is required (the test fails
 * without it, so that a missing runtime cannot pass unnoticed).
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class OpenAiSdkTest {

    private static final Path NODE_PROJECT = Path.of("src", "test", "node");
    private static final Path LOGS = Path.of("target", "openai-sdk-check");
    private static final long NPM_CI_SECONDS = 180;
    private static final long CHECK_SECONDS = 60;

    @TestHTTPResource("/")
    URL url;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void officialOpenAiClientWorksUnchangedAgainstTheGateway() throws Exception {
        String node = requireOnPath("node");
        if (!Files.isDirectory(NODE_PROJECT.resolve("node_modules").resolve("openai"))) {
            String npm = requireOnPath("npm");
            Run install = run(List.of(npm, "ci", "--no-audit", "--no-fund"), NPM_CI_SECONDS, "npm-ci.log", null);
            assertThat(install.exitCode())
                    .as("npm ci in %s failed; output:%n%s", NODE_PROJECT, install.output())
                    .isZero();
        }
        // The script runs its checks one after the other in this order: enqueue everything up front.
        FakeProviders.primary().enqueue(
                Script.openAiAnswer("Hello from primary"),              // (a) non-streaming on chain
                Script.openAiStream("Hel", "lo ", "world"));            // (b) streaming on chain
        FakeProviders.claude().enqueue(
                Script.anthropicAnswer("Hello from claude"),            // (c) non-streaming on claude-first
                Script.anthropicStream("Bon", "jour"));                 // (d) streaming on claude-first
        // (e) models.list() and (f) an unknown model reach no provider.

        String gateway = "http://localhost:" + url.getPort();
        Run check = run(List.of(node, "openai-sdk-check.mjs"), CHECK_SECONDS, "openai-sdk-check.log", gateway);

        assertThat(check.exitCode())
                .as("node openai-sdk-check.mjs against %s failed (log: %s); output:%n%s", gateway, check.log(),
                        check.output())
                .isZero();
        assertThat(FakeProviders.primary().requestCount()).as("requests to primary").isEqualTo(2);
        assertThat(FakeProviders.claude().requestCount()).as("requests to claude").isEqualTo(2);
        assertThat(FakeProviders.secondary().requestCount()).as("requests to secondary (no fallback)").isZero();
        Recorded streamed = FakeProviders.primary().requests().get(1);
        assertThat(streamed.json().path("stream").asBoolean()).as("the SDK's stream flag reached primary").isTrue();
        assertThat(streamed.json().path("model").asText()).isEqualTo("gpt-primary");
    }

    private record Run(int exitCode, String output, Path log) { }

    /** Runs a command in the Node project with a hard time bound; output (both streams) goes to target/. */
    private static Run run(List<String> command, long seconds, String logName, String gatewayUrl)
            throws IOException, InterruptedException {
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(logName).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(NODE_PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("NO_COLOR", "1");
        if (gatewayUrl != null) {
            pb.environment().put("GATEWAY_URL", gatewayUrl);
        }
        Process process = pb.start();
        boolean done = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) {
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
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, executable);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return fail("'%s' is not on the PATH: Node.js (with npm) is required to run the official openai client "
                + "against the gateway (src/test/node). Install Node.js 18+ and rerun.", executable);
    }
}
