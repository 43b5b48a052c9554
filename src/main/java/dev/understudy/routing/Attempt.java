package dev.understudy.routing;

/**
 * One try of one target, kept for the response's {@code understudy.attempts} and the 503 body.
 *
 * @param outcome {@code ok}, a {@link dev.understudy.provider.Failure} label, or {@code skipped_cooldown}
 * @param error   the redacted error message, null on success
 */
public record Attempt(String provider, String model, String outcome, long latencyMs, int status, String error) {
}
