package dev.understudy.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ChunkAccumulator;
import dev.understudy.chat.Message;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.testing.FakeBedrock;
import dev.understudy.testing.FakeBedrock.Reply;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * The adapter against the fake Bedrock, without Quarkus: SigV4 as the fake recomputes it, Converse,
 * ConverseStream's binary framing, the probe, and the fake's own refusal of bad signatures.
 */
class BedrockAdapterTest {

    static final String REGION = "eu-central-1";
    static final String KEY_ID = "AKIAFAKEADAPTER00001";
    static final String SECRET = "adapter/Secret+Key/0123456789abcdefghijklm";
    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
    static final Duration WAIT = Duration.ofSeconds(5);

    static Vertx vertx;
    static FakeBedrock fake;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        fake = FakeBedrock.start(REGION).accept(KEY_ID, SECRET, null);
    }

    @AfterAll
    static void stop() {
        fake.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    static BedrockAdapter adapter(CredentialSource credentials) {
        BedrockClient client = new BedrockClient(vertx, fake.baseUrl(), 8);
        return new BedrockAdapter(client, new RequestSigner(REGION, client.scheme, client.host, client.port, null),
                credentials, MultiMap.caseInsensitiveMultiMap(), true);
    }

    static BedrockAdapter adapter(String secret) {
        return adapter(CredentialSource.fixed(new AwsCredentials(KEY_ID, secret, null, null), "test"));
    }

    static ChatRequest ask(String text) {
        return new ChatRequest("route", List.of(Message.text("user", text)), null, null, null, null, 100, null, null,
                null, null, false, false, null);
    }

    static ChatResponse streamed(BedrockAdapter adapter, String model) {
        ChunkAccumulator answer = new ChunkAccumulator();
        List<ChatChunk> chunks = adapter.stream(model, ask("hi")).collect().asList().await().atMost(WAIT);
        chunks.forEach(answer::add);
        return answer.toResponse(null, model, 0);
    }

    @Test
    void answersAConverseRequestThatTheFakeVerifiesWithTheTestCredentials() {
        fake.enqueue(Reply.text("Bonjour"));
        ChatResponse r = adapter(SECRET).complete(MODEL, ask("Say hello in French")).await().atMost(WAIT);
        assertThat(r.content()).isEqualTo("Bonjour");
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.usage().promptTokens()).isEqualTo(10);
        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.lastRequest().path()).isEqualTo("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
        assertThat(fake.lastRequest().header("X-Amz-Security-Token")).isNull();
    }

    @Test
    void signsInferenceProfileArnsWhoseSlashesAndColonsAreEncodedInThePath() {
        String arn = "arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-3-5-haiku-v1:0";
        fake.enqueue(Reply.text("ok"));
        adapter(SECRET).complete(arn, ask("hi")).await().atMost(WAIT);
        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.lastRequest().path()).isEqualTo("/model/arn%3Aaws%3Abedrock%3Aeu-central-1%3A123456789012%3A"
                + "inference-profile%2Feu.anthropic.claude-3-5-haiku-v1%3A0/converse");
    }

    @Test
    void decodesConverseStreamsBinaryFramingIntoChunks() {
        fake.enqueue(Reply.text("One", " two", " three").stopReason("max_tokens"));
        ChatResponse r = streamed(adapter(SECRET), MODEL);
        assertThat(r.content()).isEqualTo("One two three");
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.usage().completionTokens()).isEqualTo(3);
        assertThat(fake.lastRequest().path()).endsWith("/converse-stream");
    }

    @Test
    void skipsAndCountsAFrameWhoseChecksumDoesNotMatch() {
        fake.enqueue(Reply.text("kept", " whole").corruptFrameAfter(1));
        BedrockAdapter adapter = adapter(SECRET);
        ChatResponse r = streamed(adapter, MODEL);
        assertThat(r.content()).isEqualTo("kept whole");
        assertThat(adapter.malformedEvents()).isEqualTo(1);
    }

    @Test
    void failsWithAStreamErrorOnAnInBandException() {
        fake.enqueue(Reply.text("half", " way").exceptionAfter(1, "modelStreamErrorException", "model broke"));
        assertThatThrownBy(() -> streamed(adapter(SECRET), MODEL))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.STREAM_ERROR);
                    assertThat(e.errorType()).isEqualTo("modelStreamErrorException");
                    assertThat(e.getMessage()).contains("model broke");
                });
    }

    @Test
    void classifiesThrottlingAsRateLimitedForBothApis() {
        fake.enqueue(Reply.throttled(), Reply.throttled());
        assertThatThrownBy(() -> adapter(SECRET).complete(MODEL, ask("hi")).await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.RATE_LIMITED));
        assertThatThrownBy(() -> streamed(adapter(SECRET), MODEL))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.RATE_LIMITED);
                    assertThat(e.status()).isEqualTo(429);
                });
    }

    @Test
    void aWrongSecretIsRefusedAsAMisconfiguration() {
        assertThatThrownBy(() -> adapter("not-the-secret").complete(MODEL, ask("hi")).await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.MISCONFIGURED);
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.errorType()).isEqualTo("InvalidSignatureException");
                });
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void theFakeRefusesAnUnsignedRequest() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/converse")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(
                t -> assertThat(t).startsWith("MissingAuthenticationTokenException"));
    }

    @Test
    void theFakeRefusesABodyChangedAfterSigning() throws Exception {
        byte[] signedBody = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}".getBytes(
                StandardCharsets.UTF_8);
        byte[] sentBody = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"HI\"}]}]}".getBytes(
                StandardCharsets.UTF_8);
        HttpResponse<String> honest = send(signed(signedBody, signedBody));
        HttpResponse<String> tampered = send(signed(signedBody, sentBody));
        assertThat(honest.statusCode()).isEqualTo(200);
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(fake.rejections()).singleElement().asString()
                .startsWith("InvalidSignatureException: The provided x-amz-content-sha256 header does not match");
    }

    @Test
    void theFakeRefusesATamperedSignature() throws Exception {
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        HttpRequest honest = signed(body, body);
        String auth = honest.headers().firstValue("Authorization").orElseThrow();
        char last = auth.charAt(auth.length() - 1);
        HttpRequest.Builder tampered = HttpRequest.newBuilder(honest.uri())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        honest.headers().map().forEach((name, values) -> tampered.header(name, "Authorization".equalsIgnoreCase(name)
                ? auth.substring(0, auth.length() - 1) + (last == '0' ? '1' : '0') : values.get(0)));
        assertThat(send(tampered.build()).statusCode()).isEqualTo(403);
        assertThat(fake.rejections()).singleElement().asString().isEqualTo("InvalidSignatureException: The request "
                + "signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
                + "and signing method.");
    }

    @Test
    void probesWithASignedListAsyncInvokesThatCostsNoTokens() {
        adapter(SECRET).probe().await().atMost(WAIT);
        assertThat(fake.probeCount()).isEqualTo(1);
        assertThat(fake.requests()).isEmpty();
        assertThatThrownBy(() -> adapter("not-the-secret").probe().await().atMost(WAIT))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.MISCONFIGURED));
    }

    @Test
    void signsInAFewMicrosecondsPerRequest() {
        RequestSigner signer = new RequestSigner(REGION, "https", "bedrock-runtime." + REGION + ".amazonaws.com", 443,
                null);
        AwsCredentials c = new AwsCredentials(KEY_ID, SECRET, "token", null);
        byte[] body = new byte[2048];
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/json");
        for (int i = 0; i < 5_000; i++) { // warm-up
            signer.sign(SdkHttpMethod.POST, "/model/m/converse", Map.of(), headers, body, c);
        }
        int n = 5_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            signer.sign(SdkHttpMethod.POST, "/model/m/converse", Map.of(), headers, body, c);
        }
        long micros = (System.nanoTime() - start) / 1_000 / n;
        System.out.printf("SigV4 signing, 2 KB body: %d µs per request%n", micros);
        assertThat(micros).as("µs per signature (typically ~25)").isLessThan(500);
    }

    /** A request signed over {@code signedBody} but carrying {@code sentBody}. */
    private static HttpRequest signed(byte[] signedBody, byte[] sentBody) {
        URI uri = uri("/converse");
        RequestSigner signer = new RequestSigner(REGION, "http", uri.getHost(), uri.getPort(), null);
        MultiMap headers = signer.sign(SdkHttpMethod.POST, uri.getRawPath(), Map.of(),
                MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/json"), signedBody,
                new AwsCredentials(KEY_ID, SECRET, null, null));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(sentBody));
        headers.forEach(h -> {
            if (!"host".equalsIgnoreCase(h.getKey())) { // restricted in java.net.http: it sends the same itself
                b.header(h.getKey(), h.getValue());
            }
        });
        return b.build();
    }

    private static URI uri(String operation) {
        return URI.create(fake.baseUrl() + "/model/" + BedrockAdapter.uriEncode(MODEL) + operation);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
