package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.failure.CommandFailedException;

/** The connection could not be opened or authenticated; the message says what to check. */
public class SshConnectException extends CommandFailedException {
    private static final long serialVersionUID = 1L;
    private final boolean authentication;

    SshConnectException(String message, boolean authentication, Throwable cause) {
        super(message, io.hpcdask.launcher.failure.ExitCodes.FAILED, cause);
        this.authentication = authentication;
    }

    /** True when the server answered but refused every key: retrying will not help. */
    public boolean authentication() {
        return authentication;
    }
}
