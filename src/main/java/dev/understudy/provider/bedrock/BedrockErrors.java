package dev.understudy.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.HttpErrors;
import dev.understudy.provider.json.Json;
import java.util.Locale;
import java.util.function.Function;

/**
 * Bedrock's errors mapped into the failure table of docs/failure-semantics.md. Bedrock names the error in the
 * {@code x-amzn-ErrorType} header ({@code ThrottlingException:http://internal.amazon.com/...}) and puts
 * {@code {"message": ...}} in the body; in a stream it sends an {@code exception} message instead.
 * Types not listed here fall back to the shared status-based {@link HttpErrors} classification.
 */
public final class BedrockErrors {

    /** What ValidationException says when the prompt does not fit the model's context window. */
    private static final String[] CONTEXT_MARKERS = {"too long", "context length", "context window",
        "maximum context", "context limit", "too many input tokens", "too many tokens"};

    private BedrockErrors() {
    }

    /** An HTTP error reply (status, header lookup, body) → its classified failure. */
    public static ProviderException classify(int status, Function<String, String> header, String body) {
        ProviderException byStatus = HttpErrors.classify(status, header, body);
        String type = errorType(header.apply("x-amzn-ErrorType"), body);
        if (type == null) {
            return byStatus;
        }
        String message = message(body, byStatus.getMessage());
        Failure failure = switch (type) {
            case "ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException" ->
                Failure.RATE_LIMITED;
            case "ServiceUnavailableException", "InternalServerException", "InternalFailure", "ModelNotReadyException",
                "ModelErrorException", "ModelTimeoutException", "ModelStreamErrorException" -> Failure.SERVER;
            case "ValidationException" -> HttpErrors.containsAny(message.toLowerCase(Locale.ROOT), CONTEXT_MARKERS)
                    ? Failure.CONTEXT_LENGTH
                    : byStatus.failure() == Failure.CONTENT_POLICY ? Failure.CONTENT_POLICY : Failure.BAD_REQUEST;
            case "AccessDeniedException", "ResourceNotFoundException", "UnrecognizedClientException",
                "InvalidSignatureException", "IncompleteSignatureException", "MissingAuthenticationTokenException",
                "ExpiredTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch" -> Failure.MISCONFIGURED;
            default -> byStatus.failure();
        };
        String code = failure == Failure.CONTEXT_LENGTH ? "context_length_exceeded" : null;
        return new ProviderException(failure, status, type + ": " + message, byStatus.retryAfter(), type, code);
    }

    /** Whether this failure means the credentials themselves were refused (worth fetching fresh ones). */
    static boolean credentialsRefused(ProviderException e) {
        String t = e.errorType();
        return "ExpiredTokenException".equals(t) || "UnrecognizedClientException".equals(t)
                || "InvalidClientTokenId".equals(t);
    }

    /**
     * An in-band {@code exception} (or {@code error}) message of a ConverseStream: always a stream error,
     * throttling included — the answer has started, so the chain continues it elsewhere.
     */
    static ProviderException inBand(EventStreamDecoder.Message m) {
        String type = m.header(":exception-type");
        if (type == null) {
            type = m.header(":error-code");
        }
        String message = m.header(":error-message");
        if (message == null) {
            message = message(m.payloadText(), "Bedrock stream exception");
        }
        return new ProviderException(Failure.STREAM_ERROR, 0, (type == null ? "stream error" : type) + ": " + message,
                null, type, null);
    }

    /** The bare error type: {@code ThrottlingException:http://...} → {@code ThrottlingException}. */
    static String errorType(String header, String body) {
        String type = header;
        if (type == null || type.isBlank()) {
            JsonNode json = json(body);
            type = json == null ? null : Json.text(json, "__type"); // the JSON protocol's own field, as a fallback
        }
        if (type == null || type.isBlank()) {
            return null;
        }
        int colon = type.indexOf(':');
        type = colon < 0 ? type : type.substring(0, colon);
        int hash = type.lastIndexOf('#'); // "com.amazon.coral.service#UnrecognizedClientException"
        return (hash < 0 ? type : type.substring(hash + 1)).trim();
    }

    private static String message(String body, String otherwise) {
        JsonNode json = json(body);
        String m = json == null ? null : Json.text(json, "message");
        if (m == null && json != null) {
            m = Json.text(json, "Message");
        }
        return m == null || m.isBlank() ? otherwise : m;
    }

    private static JsonNode json(String body) {
        if (body == null || body.isBlank() || body.charAt(0) != '{') {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }
}
