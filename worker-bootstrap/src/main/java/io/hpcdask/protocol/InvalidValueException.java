package io.hpcdask.protocol;

/**
 * A value given by a user does not have an accepted form. The message names the accepted form;
 * callers prefix it with the option (or config key) the value came from.
 */
public final class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidValueException(String message) {
        super(message);
    }
}
