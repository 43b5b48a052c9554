package dev.understudy.provider;

import java.util.regex.Pattern;

/** Removes credentials from text that may reach a log line, an error body or a metric. */
public final class Redactor {

    private static final Pattern SECRETS = Pattern.compile(
            "(sk-[A-Za-z0-9_\\-]{6,})"                       // OpenAI / Anthropic style keys
                    + "|((?i:bearer)\\s+[A-Za-z0-9._~+/=\\-]{6,})"    // bearer tokens
                    + "|((?:AKIA|ASIA)[A-Z0-9]{12,})"                // AWS access key ids
                    + "|(ya29\\.[A-Za-z0-9._\\-]{6,})"               // Google access tokens
                    + "|(eyJ[A-Za-z0-9_\\-]{4,}\\.[A-Za-z0-9_\\-]{4,}\\.[A-Za-z0-9_\\-]*)" // JWTs (Entra, federated)
                    + "|(-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*)"   // PEM private keys
                    + "|((?i:x-api-key|api[_-]?key|secret|password)[\"']?\\s*[:=]\\s*[\"']?[^\\s\"',}]{6,})");

    private Redactor() {
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return SECRETS.matcher(text).replaceAll("[REDACTED]");
    }
}
