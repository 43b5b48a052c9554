package dev.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.AuthProfile;
import dev.understudy.testing.BedrockProfile;
import dev.understudy.testing.CloudProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The last check of {@code ./mvnw verify} (its own failsafe execution, after every other test): no secret a
 * test handed the gateway — provider keys (which fake providers also echo back in error messages), AWS
 * secrets, the Google service-account key, Entra secrets, federated and access tokens, gateway caller keys and
 * the admin key — appears anywhere in the log output of the whole suite: every test class's captured output
 * (Quarkus logs included) and the logs of the gateway processes.
 */
class LogSecretScanIT {

    /** What must never be printed, by name (for the failure message). */
    private static final Map<String, String> SECRETS = Map.ofEntries(
            Map.entry("provider keys (sk-test-<provider>-SECRET0123456789)", "SECRET0123456789"),
            Map.entry("caller key alice", AuthProfile.ALICE),
            Map.entry("caller key bob", AuthProfile.BOB),
            Map.entry("admin key", AuthProfile.ADMIN),
            Map.entry("Bedrock secret access key", BedrockProfile.SECRET),
            Map.entry("Bedrock session token", BedrockProfile.SESSION_TOKEN),
            Map.entry("Bedrock adapter test secret", "adapter/Secret+Key/0123456789abcdefghijklm"),
            Map.entry("Google service-account private key", CloudProfile.privateKeyFragment()),
            Map.entry("Google access tokens", "fake-google-token-"),
            Map.entry("Entra client secret", CloudProfile.CLIENT_SECRET),
            Map.entry("Entra client secret (the refused one)", CloudProfile.CLIENT_SECRET.replace('9', '1')),
            Map.entry("AKS federated token", CloudProfile.FEDERATED_TOKEN),
            Map.entry("Entra access tokens", "fake-entra-token-"));

    @Test
    void noSecretAppearsInAnyLogOfTheTestSuite() throws IOException {
        List<Path> logs = logs();
        long bytes = 0;
        List<String> leaks = new ArrayList<>();
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1); // any bytes, never a decoding error
            bytes += text.length();
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (var secret : SECRETS.entrySet()) {
                    if (lines[i].contains(secret.getValue())) {
                        leaks.add(log + ":" + (i + 1) + ": " + secret.getKey());
                    }
                }
            }
        }
        // not vacuous: the classes that hand the gateway its secrets ran, and their output was captured
        assertThat(logs).as("captured test output").extracting(p -> p.getFileName().toString())
                .anyMatch(n -> n.startsWith("dev.understudy.it.FailureSemanticsTest"))
                .anyMatch(n -> n.startsWith("dev.understudy.it.AuthTest"))
                .anyMatch(n -> n.startsWith("dev.understudy.it.BedrockTest"))
                .anyMatch(n -> n.startsWith("dev.understudy.it.CloudProvidersTest"));
        assertThat(bytes).as("bytes of log output scanned").isGreaterThan(30_000);
        assertThat(leaks).as("secrets in the logs (file:line: which)").isEmpty();
    }

    private static List<Path> logs() throws IOException {
        List<Path> all = new ArrayList<>();
        Path target = Path.of("target");
        for (String dir : new String[] {"surefire-reports", "failsafe-reports"}) {
            Path d = target.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith("-output.txt") || n.endsWith(".dumpstream") || n.endsWith(".dump");
                    }).forEach(all::add);
                }
            }
        }
        try (Stream<Path> s = Files.walk(target, 2)) {
            s.filter(p -> p.getFileName().toString().endsWith(".log") && Files.isRegularFile(p)).forEach(all::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return all;
    }
}
