package dev.understudy.provider.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.UpstreamClient;
import dev.understudy.provider.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Access tokens from an OAuth 2.0 token endpoint (RFC 6749 §5.1 answers: {@code access_token},
 * {@code expires_in} seconds), cached and refreshed before expiry. Subclasses say how to ask.
 */
public abstract class OAuthTokens extends Refreshing<AccessToken> {

    protected OAuthTokens(Vertx vertx, Clock clock) {
        super(vertx, clock);
    }

    @Override
    protected Instant expiration(AccessToken token) {
        return token.expiresAt();
    }

    /** Reads a token endpoint's answer; a refusal names the endpoint's error code and description only. */
    protected AccessToken token(String what, UpstreamClient.Reply reply, Instant askedAt) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(reply.body());
        } catch (Exception e) {
            json = null;
        }
        if (reply.status() != 200) {
            String detail = json == null ? "no error details"
                    : json.path("error").isObject() ? Json.text(json.path("error"), "message")
                    : Json.text(json, "error") + (json.has("error_description")
                            ? ": " + Json.text(json, "error_description") : "");
            throw refused(what, reply, detail);
        }
        String value = json == null ? null : Json.text(json, "access_token");
        if (value == null || value.isBlank() || !json.path("expires_in").canConvertToLong()
                && !json.path("expires_in").isTextual()) {
            throw new ProviderException(Failure.MALFORMED, what + ": the answer has no access_token and expires_in");
        }
        long seconds = json.path("expires_in").asLong(0);
        if (seconds <= 0) {
            throw new ProviderException(Failure.MALFORMED, what + ": the answer has no usable expires_in");
        }
        return new AccessToken(value, askedAt.plusSeconds(seconds));
    }

    protected static MultiMap formHeaders() {
        return MultiMap.caseInsensitiveMultiMap()
                .set("Content-Type", "application/x-www-form-urlencoded")
                .set("Accept", "application/json");
    }

    /** An {@code application/x-www-form-urlencoded} body. */
    protected static byte[] form(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
