package dev.understudy.testing;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FakeProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String CHAT = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
    private FakeProvider fake;

    @BeforeEach
    void start() { fake = FakeProvider.start("alpha"); }

    @AfterEach
    void stop() { fake.close(); }

    @Test
    void defaultAnswerEchoesModelAndRecordsRequest() throws Exception {
        HttpResponse<String> res = send(post(BodyPublishers.ofString(CHAT)), BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode json = Recorded.MAPPER.readTree(res.body());
        assertThat(json.at("/choices/0/message/content").asText()).isEqualTo("Hello from alpha");
        assertThat(json.path("model").asText()).isEqualTo("gpt-test");
        assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(fake.requestCount()).isEqualTo(1);
        Recorded req = fake.lastRequest();
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.path()).isEqualTo("/v1/chat/completions");
        assertThat(req.header("CONTENT-TYPE")).isEqualTo("application/json");
        assertThat(req.json().path("model").asText()).isEqualTo("gpt-test");
    }

    @Test
    void queuedStatusWithRetryAfterThenDefault() throws Exception {
        fake.enqueue(Script.json(429, "{\"error\":{\"message\":\"slow down\"}}").header("Retry-After", "2"));

        HttpResponse<String> first = send(post(BodyPublishers.ofString(CHAT)), BodyHandlers.ofString());
        HttpResponse<String> second = send(post(BodyPublishers.ofString(CHAT)), BodyHandlers.ofString());

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("retry-after")).hasValue("2");
        assertThat(first.body()).contains("slow down");
        assertThat(second.statusCode()).isEqualTo(200);
    }

    @Test
    void openAiStreamSendsPiecesUsageAndDone() throws Exception {
        fake.enqueue(Script.openAiStream("Hel", "lo world").interval(Duration.ofMillis(5)));
        String body = CHAT.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        HttpResponse<String> res = send(post(BodyPublishers.ofString(body)), BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(res.body())
                .contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}")
                .contains("\"delta\":{\"content\":\"Hel\"}", "\"delta\":{\"content\":\"lo world\"}")
                .contains("\"finish_reason\":\"stop\"", "\"completion_tokens\":2")
                .endsWith("data: [DONE]\n\n");
    }

    @Test
    void cutAfterBreaksTheBodyMidStream() throws Exception {
        fake.enqueue(Script.openAiStream("a", "b", "c").cutAfter(2));

        HttpResponse<InputStream> res = send(post(BodyPublishers.ofString(CHAT)), BodyHandlers.ofInputStream());

        assertThat(res.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            }
        }).isInstanceOf(IOException.class);
        // The JDK client may drop what it had buffered when it sees the early EOF, so only the absence of
        // the third piece is certain here; StreamingFailoverTest shows the gateway receives the first two.
        assertThat(String.join("\n", lines)).doesNotContain("\"content\":\"c\"");
    }

    @Test
    void resetFailsTheRequest() {
        fake.enqueue(Script.reset());

        assertThatThrownBy(() -> send(post(BodyPublishers.ofString(CHAT)), BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(fake.requestCount()).isEqualTo(1);
    }

    @Test
    void keepAliveServesSequentialRequestsOnOneConnection() throws Exception {
        byte[] chunkedBody = CHAT.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> first = send(post(BodyPublishers.ofString(CHAT)), BodyHandlers.ofString());
        HttpResponse<String> second = send(post(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunkedBody))),
                BodyHandlers.ofString());

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(fake.requestCount()).isEqualTo(2);
        assertThat(fake.connectionCount()).isEqualTo(1);
        assertThat(fake.lastRequest().header("transfer-encoding")).isEqualTo("chunked");
        assertThat(fake.lastRequest().body()).isEqualTo(CHAT);
    }

    private HttpRequest post(BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1/chat/completions"))
                .timeout(WAIT).header("Content-Type", "application/json").POST(body).build();
    }

    /** Sends with a hard bound on the whole exchange; rethrows the underlying IOException. */
    private <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) throws Exception {
        try {
            return client.sendAsync(request, handler).get(WAIT.toSeconds(), SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
