package io.hpcdask.launcher.failure;

/** User input that is malformed; the CLI prints the message as one line and exits with {@link ExitCodes#BAD_INPUT}. */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
