package io.hpcdask.server.scaling;

/** A batch system or SSH refused; the message is its output verbatim (command, exit status, stderr). */
public class ProvisionException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProvisionException(String message) {
        super(message);
    }

    public ProvisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
