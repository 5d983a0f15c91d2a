package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.failure.CommandFailedException;

/** The connection dropped while a command that is not safe to repeat was running, so it was not re-run. */
public class ConnectionLostException extends CommandFailedException {
    private static final long serialVersionUID = 1L;

    ConnectionLostException(String message, Throwable cause) {
        super(message, io.hpcdask.launcher.failure.ExitCodes.FAILED, cause);
    }
}
