package dev.understudy.routing;

/**
 * One try of one target, kept for the response's {@code understudy.attempts} and the 503 body.
 *
 * @param outcome {@code ok}, a {@link dev.understudy.provider.Failure} label, or {@code skipped_cooldown}
 * @param error   the redacted error message, null on success
 */
public record Attempt(String provider, String model, String outcome, long latencyMs, int status, String error) {

    public boolean skipped() {
        return outcome.startsWith("skipped");
    }

    /** How many different targets these attempts called (skips excluded): {@code x-understudy-attempts}. */
    public static int distinctTargetsCalled(java.util.List<Attempt> attempts) {
        int count = 0;
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            if (a.skipped()) {
                continue;
            }
            boolean seen = false;
            for (int j = 0; j < i && !seen; j++) {
                Attempt b = attempts.get(j);
                seen = !b.skipped() && b.provider().equals(a.provider()) && b.model().equals(a.model());
            }
            if (!seen) {
                count++;
            }
        }
        return count;
    }
}
