package dev.understudy.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Function;

/**
 * Classifies an upstream HTTP error (status, headers, body) into a {@link Failure}. One classifier for
 * every HTTP provider: OpenAI, Anthropic and Bedrock bodies all carry a type/code/message somewhere.
 */
public final class HttpErrors {

    private static final String[] CONTEXT_MARKERS = {"context_length_exceeded", "context length", "context window",
        "prompt is too long", "maximum context", "input is too long", "too many tokens", "context limit"};
    private static final String[] POLICY_MARKERS = {"content_policy", "content_filter", "content policy",
        "content management policy", "safety system", "responsible ai"};

    private HttpErrors() {
    }

    /** @param header looks up a response header by name (case-insensitive), null when absent */
    public static ProviderException classify(int status, Function<String, String> header, String body) {
        JsonNode error = errorObject(body);
        String type = text(error, "type");
        String code = text(error, "code");
        String message = text(error, "message");
        if (message == null) {
            message = body == null || body.isBlank() ? "HTTP " + status : truncate(body);
        }
        String all = (type + " " + code + " " + message).toLowerCase(Locale.ROOT);
        Failure failure;
        Duration retryAfter = null;
        if (status == 429) {
            failure = Failure.RATE_LIMITED;
            retryAfter = retryAfter(header);
        } else if (status == 408 || status >= 500) {
            failure = Failure.SERVER;
            retryAfter = retryAfter(header);
        } else if (status == 401 || status == 403 || status == 404) {
            failure = Failure.MISCONFIGURED;
        } else if (status >= 400 && containsAny(all, CONTEXT_MARKERS)) {
            failure = Failure.CONTEXT_LENGTH;
        } else if (status >= 400 && containsAny(all, POLICY_MARKERS)) {
            failure = Failure.CONTENT_POLICY;
        } else if (status >= 400) {
            failure = Failure.BAD_REQUEST;
        } else {
            failure = Failure.SERVER; // 1xx/3xx where a completion was expected
        }
        return new ProviderException(failure, status, message, retryAfter, type, code);
    }

    /** A transport failure before any response: refused, reset, unknown host. */
    public static ProviderException connectFailure(Throwable t) {
        String what = t instanceof ConnectException ? "connection refused"
                : t instanceof ClosedChannelException ? "connection closed" : "connection failed";
        String detail = t.getMessage();
        return new ProviderException(Failure.CONNECT, detail == null ? what : what + ": " + detail);
    }

    /** Retry-After in seconds or as an HTTP date; OpenAI's retry-after-ms takes precedence. */
    static Duration retryAfter(Function<String, String> header) {
        String ms = header.apply("retry-after-ms");
        if (ms != null) {
            try {
                return Duration.ofMillis((long) Double.parseDouble(ms.trim()));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        String value = header.apply("retry-after");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis((long) (Double.parseDouble(value.trim()) * 1000));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    private static JsonNode errorObject(String body) {
        if (body == null || body.isBlank() || body.charAt(0) != '{') {
            return null;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            JsonNode e = root.get("error");
            return e != null && e.isObject() ? e : root;
        } catch (Exception e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Whether {@code text} contains any of {@code markers}: how every provider's error wording is read. */
    public static boolean containsAny(String text, String[] markers) {
        for (String m : markers) {
            if (text.contains(m)) {
                return true;
            }
        }
        return false;
    }

    private static String truncate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
