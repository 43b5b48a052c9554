package dev.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.NodeScripts;
import dev.understudy.testing.Script;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the official Anthropic TypeScript SDK ({@code @anthropic-ai/sdk}), unchanged, against the
 * gateway's {@code /v1/messages}: see {@code src/test/node/anthropic-sdk-check.mjs} for the checks.
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class AnthropicSdkTest {

    @TestHTTPResource("/")
    URL url;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void officialAnthropicSdkWorksUnchangedIncludingAFailoverToAnOpenAiTarget() throws Exception {
        // the script's checks run one after the other in this order
        FakeProviders.claude().enqueue(
                Script.anthropicAnswer("Hello from claude"),          // (a) messages.create
                Script.anthropicStream("Bon", "jour"),                // (b) messages.stream
                Script.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"x\"}}"),
                Script.json(529, "{}"));                              // (c) claude overloaded twice...
        FakeProviders.secondary().enqueue(Script.openAiAnswer("Hello from secondary"), // ...secondary answers
                Script.openAiStream("Back", "up"));                   // (d) streamed failover
        FakeProviders.claude().enqueue(Script.json(529, "{}"), Script.json(529, "{}"));

        NodeScripts.Run check = NodeScripts.run("anthropic-sdk-check.mjs", "http://localhost:" + url.getPort());

        assertThat(check.exitCode()).as("anthropic-sdk-check.mjs failed (log %s):%n%s", check.log(), check.output())
                .isZero();
        assertThat(FakeProviders.secondary().requestCount()).isEqualTo(2);
    }
}
