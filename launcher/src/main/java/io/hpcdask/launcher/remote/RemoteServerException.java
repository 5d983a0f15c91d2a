package io.hpcdask.launcher.remote;

/** The scheduler server on the login node could not be started or reached; the message says what happened there. */
public final class RemoteServerException extends RuntimeException {
    public RemoteServerException(String message) {
        super(message);
    }
}
