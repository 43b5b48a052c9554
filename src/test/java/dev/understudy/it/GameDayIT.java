package dev.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.understudy.testing.GatewayProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The game-day runner works: the packaged gateway started with deploy/gameday/gameday.yaml, and the
 * driver (deploy/gameday/*.java, launched through GameDay.java by the JDK's multi-file source launcher, no
 * build) run against it in --quick mode (8 s per scenario) as its own process, the way an operator runs it. Its exit code is 0 and its JSON report has the four outage scenarios, each PASS
 * with every request answered. Bounded: the driver is killed after 150 s.
 */
class GameDayIT {

    private static final Path DRIVER = Path.of("deploy", "gameday", "GameDay.java");
    private static final Path CONFIG = Path.of("deploy", "gameday", "gameday.yaml");
    private static final List<String> SCENARIOS = List.of("primary-outage", "rate-limit-surge", "degradation", "flapping");

    @Test
    void playsTheFourOutageScenariosAndPassesThem() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 22, "the game-day driver is several source files, "
                + "which the JDK's source launcher runs from JDK 22 on; this JVM is " + Runtime.version());
        Path report = Path.of("target", "gameday-it-report.json");
        Path out = Path.of("target", "gameday-it.out");
        Files.deleteIfExists(report);
        try (GatewayProcess gateway = GatewayProcess.start("gameday",
                Map.of("quarkus.config.locations", CONFIG.toAbsolutePath().toString()))) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), DRIVER.toString(),
                    "gameday", "--quick", "--scenario-seconds", "8", "--recovery-grace", "10",
                    "--scenarios", String.join(",", SCENARIOS), "--url", gateway.url(), "--json", report.toString(),
                    "--gateway-log", Path.of("target", "gateway-gameday.log").toString())); // GatewayProcess's log
            long start = System.nanoTime();
            Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean ended = driver.waitFor(150, TimeUnit.SECONDS);
            if (!ended) {
                driver.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            String output = read(out);
            assertThat(ended).as("the driver did not end within 150 s:\n%s", output).isTrue();
            System.out.printf("GameDayIT: driver ran %.1f s%n", (System.nanoTime() - start) / 1e9);
            assertThat(driver.exitValue()).as("driver exit code; its output:\n%s\ngateway log:\n%s", output,
                    gateway.log()).isZero();

            JsonNode json = new ObjectMapper().readTree(report.toFile());
            assertThat(json.path("verdict").asText()).isEqualTo("PASS");
            List<String> played = new ArrayList<>();
            for (JsonNode s : json.path("scenarios")) {
                String name = s.path("scenario").asText();
                played.add(name);
                assertThat(s.path("verdict").asText()).as("%s:\n%s", name, output).isEqualTo("PASS");
                assertThat(s.path("sent").asInt()).as(name).isGreaterThan(50);
                assertThat(s.path("answered").asInt()).as(name).isEqualTo(s.path("sent").asInt());
                assertThat(s.path("failed_while_a_target_was_live").asInt()).as(name).isZero();
                assertThat(s.path("checks").size()).as(name).isGreaterThanOrEqualTo(3);
            }
            assertThat(played).containsExactlyElementsOf(SCENARIOS);
            JsonNode outage = json.path("scenarios").get(0);
            assertThat(outage.path("by_provider").path("gd-secondary").asInt()).as("the fallback answered").isPositive();
            assertThat(outage.path("breaker_transitions").toString()).contains("\"to\":\"open\"",
                    "gd-primary");
            assertThat(output).contains("== summary", "verdict: PASS");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
