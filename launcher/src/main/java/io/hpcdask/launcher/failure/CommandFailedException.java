package io.hpcdask.launcher.failure;

/**
 * A well-formed command that failed. The message is shown verbatim (for a batch system: the command, its exit status
 * and its stderr) and the CLI exits with {@link #exitCode()}.
 */
public class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CommandFailedException(String message) {
        this(message, ExitCodes.FAILED, null);
    }

    public CommandFailedException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
