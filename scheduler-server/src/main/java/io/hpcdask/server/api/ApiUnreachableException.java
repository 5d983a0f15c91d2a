package io.hpcdask.server.api;

/** Nothing answers at the scheduler's API address: the cluster is not running (or has just stopped). */
public class ApiUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ApiUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
