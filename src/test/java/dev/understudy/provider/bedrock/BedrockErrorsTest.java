package dev.understudy.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bedrock's error types mapped into the failure table of docs/failure-semantics.md. */
class BedrockErrorsTest {

    static ProviderException classify(int status, String type, String message) {
        Map<String, String> headers = type == null ? Map.of()
                : Map.of("x-amzn-errortype", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        return BedrockErrors.classify(status, name -> headers.get(name.toLowerCase()),
                "{\"message\":\"" + message + "\"}");
    }

    @Test
    void throttlingIsARateLimit() {
        ProviderException e = classify(429, "ThrottlingException", "Too many requests, please wait before trying again.");
        assertThat(e.failure()).isEqualTo(Failure.RATE_LIMITED);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.errorType()).isEqualTo("ThrottlingException");
        assertThat(e.getMessage()).isEqualTo("ThrottlingException: Too many requests, please wait before trying again.");
    }

    @Test
    void honoursARetryAfterSentWithAThrottle() {
        ProviderException e = BedrockErrors.classify(429, name -> switch (name.toLowerCase()) {
            case "x-amzn-errortype" -> "ThrottlingException";
            case "retry-after" -> "2";
            default -> null;
        }, "{\"message\":\"slow down\"}");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void serviceAndModelTroubleIsAServerError() {
        assertThat(classify(503, "ServiceUnavailableException", "busy").failure()).isEqualTo(Failure.SERVER);
        assertThat(classify(500, "InternalServerException", "oops").failure()).isEqualTo(Failure.SERVER);
        assertThat(classify(429, "ModelNotReadyException", "warming up").failure()).isEqualTo(Failure.SERVER);
        assertThat(classify(424, "ModelErrorException", "model failed").failure()).isEqualTo(Failure.SERVER);
        assertThat(classify(408, "ModelTimeoutException", "took too long").failure()).isEqualTo(Failure.SERVER);
    }

    @Test
    void aPromptTooLongForTheModelIsAContextLengthError() {
        ProviderException e = classify(400, "ValidationException", "Input is too long for requested model.");
        assertThat(e.failure()).isEqualTo(Failure.CONTEXT_LENGTH);
        assertThat(e.errorCode()).isEqualTo("context_length_exceeded");
        assertThat(classify(400, "ValidationException", "prompt is too long: 210000 tokens > 200000 maximum")
                .failure()).isEqualTo(Failure.CONTEXT_LENGTH);
    }

    @Test
    void otherValidationErrorsGoBackToTheCaller() {
        ProviderException e = classify(400, "ValidationException", "A conversation must start with a user message.");
        assertThat(e.failure()).isEqualTo(Failure.BAD_REQUEST);
        assertThat(e.failure().tryNextTarget()).isFalse();
    }

    @Test
    void refusedCredentialsAndUnknownModelsAreOurMisconfiguration() {
        for (String type : new String[] {"AccessDeniedException", "ResourceNotFoundException",
            "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException"}) {
            assertThat(classify(type.startsWith("Resource") ? 404 : 403, type, "no").failure()).as(type)
                    .isEqualTo(Failure.MISCONFIGURED);
        }
        assertThat(BedrockErrors.credentialsRefused(classify(403, "ExpiredTokenException", "expired"))).isTrue();
        assertThat(BedrockErrors.credentialsRefused(classify(403, "AccessDeniedException", "no"))).isFalse();
    }

    @Test
    void anErrorWithoutATypeIsClassifiedByItsStatus() {
        assertThat(classify(502, null, "bad gateway").failure()).isEqualTo(Failure.SERVER);
        assertThat(classify(404, null, "not here").failure()).isEqualTo(Failure.MISCONFIGURED);
    }

    @Test
    void readsTheTypeFromTheBodyWhenTheHeaderIsMissing() {
        ProviderException e = BedrockErrors.classify(400, name -> null,
                "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"Too many input tokens\"}");
        assertThat(e.errorType()).isEqualTo("ValidationException");
        assertThat(e.failure()).isEqualTo(Failure.CONTEXT_LENGTH);
    }
}
