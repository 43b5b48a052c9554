package dev.understudy.provider;

/**
 * What went wrong in one attempt, and so what the fallback chain does next (docs/failure-semantics.md).
 * The decision table lives here, in one place, rather than spread over the chain.
 */
public enum Failure {
    /** Connection refused or reset before response headers. */
    CONNECT(true, true),
    /** 5xx, 529 (overloaded) or 408. */
    SERVER(true, true),
    /** A body or event that could not be parsed. */
    MALFORMED(true, true),
    /** 429: retried after Retry-After (if it fits the deadline) or a backoff; the target cools down. */
    RATE_LIMITED(true, true),
    /** No response within the attempt timeout: a silent target is never retried in the same request. */
    TIMEOUT(false, true),
    /** Streaming: no first content chunk within first-token-timeout. */
    FIRST_TOKEN_TIMEOUT(false, true),
    /** Streaming: silence between chunks longer than idle-timeout. */
    STALLED(false, true),
    /** Streaming: the connection was cut, or the stream ended without a finish. */
    CUT(false, true),
    /** Streaming: the provider sent an error event in-band. */
    STREAM_ERROR(false, true),
    /** 400 because the prompt does not fit this target's context window: a larger one may take it. */
    CONTEXT_LENGTH(false, true),
    /** 401/403/404 from the provider: our configuration is wrong; the target is marked unhealthy. */
    MISCONFIGURED(false, true),
    /** A safety refusal: the provider's reason goes back to the caller. */
    CONTENT_POLICY(false, false),
    /** Any other 4xx caused by the caller's request: returned as the provider said it. */
    BAD_REQUEST(false, false);

    private final boolean retrySameTarget;
    private final boolean tryNextTarget;

    Failure(boolean retrySameTarget, boolean tryNextTarget) {
        this.retrySameTarget = retrySameTarget;
        this.tryNextTarget = tryNextTarget;
    }

    public boolean retrySameTarget() {
        return retrySameTarget;
    }

    public boolean tryNextTarget() {
        return tryNextTarget;
    }

    /** Metric/outcome label, e.g. {@code rate_limited}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
