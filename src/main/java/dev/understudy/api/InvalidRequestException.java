package dev.understudy.api;

/** The caller's request is wrong: a 400 (or the given status) with a message that says what is wrong. */
public final class InvalidRequestException extends RuntimeException {

    private final int status;
    private final String param;
    private final String code;

    public InvalidRequestException(String message, String param) {
        this(400, message, param, null);
    }

    public InvalidRequestException(int status, String message, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.param = param;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
