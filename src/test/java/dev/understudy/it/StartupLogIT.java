package dev.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.Await;
import dev.understudy.testing.GatewayProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway started with the shipped configuration logs no warning a user would have to ask
 * about: only the deliberate AUTH OFF notice and the vendor providers (and their route) switched off for
 * lack of keys. The whole start-up is read, the similar-cache model's background load included, and the
 * JVM's own stderr lines (e.g. JNI "restricted method" warnings) with it. The same holds when one provider
 * serves two routes (its meters are registered once).
 */
class StartupLogIT {

    /** A warning, an error or a stack trace, in the gateway's log format or straight from the JVM. */
    private static final Pattern SUSPICIOUS = Pattern.compile(
            "\\b(WARN|WARNING|ERROR|SEVERE|FATAL)\\b|^SLF4J|Exception|^\\s+at ");

    private static final List<Pattern> ALLOWED = List.of(
            Pattern.compile(" WARN .*\\*\\*\\* AUTH OFF: no understudy\\.auth\\.keys configured"),
            Pattern.compile(" WARN .*provider (openai|anthropic) is off: no api-key set"),
            Pattern.compile(" WARN .*route default is off: none of its providers is usable"));

    @Test
    void startsWithTheShippedConfigurationWithoutAnyOtherWarning() {
        assertOnlyAllowedWarnings(startAndReadTheLog("startup-log", Map.of()));
    }

    @Test
    void aProviderServingTwoRoutesRegistersItsMetersWithoutAWarning() {
        // demo-steady already serves the demo route; a second route on it must not register its meters twice
        assertOnlyAllowedWarnings(startAndReadTheLog("startup-log-shared-provider", Map.of(
                "understudy.routes.second.targets[0].provider", "demo-steady",
                "understudy.routes.second.targets[0].model", "mock-small")));
    }

    private static String startAndReadTheLog(String name, Map<String, String> config) {
        String log;
        try (GatewayProcess gateway = GatewayProcess.start(name, config)) {
            // The embedding model loads in the background after ready; its native libraries warn, if anything does.
            assertThat(Await.within(Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> gateway.log().contains("similar-cache lookup")))
                    .as("the similar-cache model finished loading:\n%s", gateway.log()).isTrue();
            log = gateway.log();
        }
        assertThat(log).contains("Listening on: http://127.0.0.1:");
        return log;
    }

    private static void assertOnlyAllowedWarnings(String log) {
        List<String> unexpected = log.lines()
                .filter(line -> SUSPICIOUS.matcher(line).find())
                .filter(line -> ALLOWED.stream().noneMatch(allowed -> allowed.matcher(line).find()))
                .toList();
        assertThat(unexpected).as("start-up log lines other than the allowed notices:\n%s", log).isEmpty();
    }
}
