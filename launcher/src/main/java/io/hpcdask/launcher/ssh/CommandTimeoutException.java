package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.failure.CommandFailedException;
import java.time.Duration;

/** A command that did not finish within its timeout; it was abandoned (its channel or process closed). */
public class CommandTimeoutException extends CommandFailedException {
    private static final long serialVersionUID = 1L;

    public CommandTimeoutException(String command, String where, Duration timeout) {
        super("`" + command + "` on " + where + " did not finish within " + timeout.toSeconds()
                + "s; it was abandoned (raise the timeout if the batch system is just slow)");
    }
}
