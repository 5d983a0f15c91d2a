package io.hpcdask.launcher.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * One shell command line for a {@link RemoteShell}. {@code retrySafe} says whether running it twice is harmless
 * (a query is, a submission never is): only such commands are re-run after a dropped connection.
 */
public record RemoteCommand(String command, byte[] stdin, Duration timeout, boolean retrySafe) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public RemoteCommand {
        Objects.requireNonNull(command, "command");
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** A read-only command that may be repeated after a dropped connection. */
    public static RemoteCommand query(String command) {
        return new RemoteCommand(command, null, null, true);
    }

    /** A command with effects (a submission, a cancel): never repeated blindly. */
    public static RemoteCommand once(String command) {
        return new RemoteCommand(command, null, null, false);
    }

    public RemoteCommand withStdin(byte[] input) {
        return new RemoteCommand(command, input, timeout, retrySafe);
    }

    public RemoteCommand withTimeout(Duration t) {
        return new RemoteCommand(command, stdin, t, retrySafe);
    }
}
