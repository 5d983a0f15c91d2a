package io.hpcdask.server.api;

/** The scheduler answered a client request with an error; {@code status} is the HTTP status. */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
