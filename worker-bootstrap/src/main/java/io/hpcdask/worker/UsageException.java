package io.hpcdask.worker;

/** Bad worker arguments: the message is one line naming the option and the accepted form. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
