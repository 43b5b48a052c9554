package dev.understudy.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.HttpErrors;
import dev.understudy.provider.json.Json;
import java.util.Locale;
import java.util.function.Function;

/**
 * Vertex AI errors onto the failure table. Google's shape is {@code {"error":{"code":429,"message":…,
 * "status":"RESOURCE_EXHAUSTED"}}}, sometimes wrapped in a one-element array; Claude's errors come in
 * Anthropic's shape. Gemini's context overflow ("The input token count … exceeds the maximum number of tokens
 * allowed") and safety blocks are told apart by their message.
 */
final class VertexErrors {

    private static final String[] CONTEXT = {"exceeds the maximum number of tokens", "input token count"};
    private static final String[] SAFETY = {"safety", "blocked", "prohibited_content", "blocklist", "spii",
        "responsible ai"};

    private VertexErrors() {
    }

    static ProviderException classify(int status, Function<String, String> header, String body) {
        String unwrapped = unwrap(body);
        ProviderException e = HttpErrors.classify(status, header, unwrapped);
        String googleStatus = googleStatus(unwrapped);
        String type = googleStatus != null ? googleStatus : e.errorType();
        String message = googleStatus != null ? googleStatus + ": " + e.getMessage() : e.getMessage();
        Failure failure = e.failure();
        if (failure == Failure.BAD_REQUEST) {
            String text = message.toLowerCase(Locale.ROOT);
            if (HttpErrors.containsAny(text, CONTEXT)) {
                failure = Failure.CONTEXT_LENGTH;
            } else if (HttpErrors.containsAny(text, SAFETY)) {
                failure = Failure.CONTENT_POLICY;
            }
        }
        if (failure == e.failure() && message.equals(e.getMessage())) {
            return e;
        }
        return new ProviderException(failure, status, message, e.retryAfter(), type, e.errorCode());
    }

    /** {@code [{"error":…}]} → {@code {"error":…}}. */
    private static String unwrap(String body) {
        if (body == null || body.isBlank() || body.trim().charAt(0) != '[') {
            return body;
        }
        try {
            JsonNode first = Json.MAPPER.readTree(body).path(0);
            return first.isObject() ? Json.MAPPER.writeValueAsString(first) : body;
        } catch (Exception e) {
            return body;
        }
    }

    private static String googleStatus(String body) {
        if (body == null || body.isBlank() || body.charAt(0) != '{') {
            return null;
        }
        try {
            JsonNode status = Json.MAPPER.readTree(body).path("error").path("status");
            return status.isTextual() ? status.asText() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
