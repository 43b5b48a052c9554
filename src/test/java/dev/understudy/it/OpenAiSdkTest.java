package dev.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.NodeScripts;
import dev.understudy.testing.Recorded;
import dev.understudy.testing.Script;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
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

    @TestHTTPResource("/")
    URL url;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void officialOpenAiClientWorksUnchangedAgainstTheGateway() throws Exception {
        // The script runs its checks one after the other in this order: enqueue everything up front.
        FakeProviders.primary().enqueue(
                Script.openAiAnswer("Hello from primary"),              // (a) non-streaming on chain
                Script.openAiStream("Hel", "lo ", "world"));            // (b) streaming on chain
        FakeProviders.claude().enqueue(
                Script.anthropicAnswer("Hello from claude"),            // (c) non-streaming on claude-first
                Script.anthropicStream("Bon", "jour"));                 // (d) streaming on claude-first
        // (e) models.list() and (f) an unknown model reach no provider.

        String gateway = "http://localhost:" + url.getPort();
        NodeScripts.Run check = NodeScripts.run("openai-sdk-check.mjs", gateway);

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
}
