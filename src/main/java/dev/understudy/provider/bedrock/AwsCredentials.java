package dev.understudy.provider.bedrock;

import java.time.Instant;

/**
 * One set of AWS credentials. {@code sessionToken} is null for long-term keys; {@code expiration} is null
 * for credentials that do not expire. {@link #toString()} never shows the secret or the token.
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {

    public AwsCredentials {
        if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("AWS credentials need an access key id and a secret access key");
        }
        sessionToken = sessionToken == null || sessionToken.isBlank() ? null : sessionToken;
    }

    @Override
    public String toString() {
        String id = accessKeyId.length() > 4 ? "…" + accessKeyId.substring(accessKeyId.length() - 4) : "…";
        return "AwsCredentials[" + id + (sessionToken != null ? ", session" : "")
                + (expiration != null ? ", expires " + expiration : "") + "]";
    }
}
