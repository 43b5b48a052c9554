package dev.understudy.security;

/** A request refused by authentication, authorisation or rate limit: its status, code and message. */
public final class AuthException extends RuntimeException {

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public AuthException(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** For 429: when to come back; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
