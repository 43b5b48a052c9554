package dev.understudy.provider;

import java.time.Duration;

/**
 * A classified failure of one attempt. Messages are redacted before they get here, so they can be
 * logged and returned to callers.
 */
public final class ProviderException extends RuntimeException {

    private final Failure failure;
    private final int status;
    private final Duration retryAfter;
    private final String errorType;
    private final String errorCode;

    public ProviderException(Failure failure, int status, String message, Duration retryAfter, String errorType,
            String errorCode) {
        super(Redactor.redact(message), null, false, false);
        this.failure = failure;
        this.status = status;
        this.retryAfter = retryAfter;
        this.errorType = errorType;
        this.errorCode = errorCode;
    }

    public ProviderException(Failure failure, String message) {
        this(failure, 0, message, null, null, null);
    }

    public Failure failure() {
        return failure;
    }

    /** The provider's HTTP status, or 0 when none was received. */
    public int status() {
        return status;
    }

    /** The provider's Retry-After, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The provider's error type (e.g. {@code invalid_request_error}), or null. */
    public String errorType() {
        return errorType;
    }

    /** The provider's error code (e.g. {@code context_length_exceeded}), or null. */
    public String errorCode() {
        return errorCode;
    }
}
