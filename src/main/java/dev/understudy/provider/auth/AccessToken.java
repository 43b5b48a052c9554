package dev.understudy.provider.auth;

import java.time.Instant;

/** An OAuth 2.0 bearer token and the instant it expires. {@link #toString()} never shows the token. */
public record AccessToken(String value, Instant expiresAt) {

    public AccessToken {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an access token needs a value");
        }
    }

    /** The {@code Authorization} header value. */
    public String bearer() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "AccessToken[expires " + expiresAt + "]";
    }
}
