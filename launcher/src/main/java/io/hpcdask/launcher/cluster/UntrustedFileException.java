package io.hpcdask.launcher.cluster;

/**
 * A cluster directory or access file that another user could have written: owned by someone else, or writable by
 * group or others. Nothing in it is trusted (its access file names the server and token a command would talk to).
 */
public final class UntrustedFileException extends RuntimeException {
    public UntrustedFileException(String message) {
        super(message);
    }
}
