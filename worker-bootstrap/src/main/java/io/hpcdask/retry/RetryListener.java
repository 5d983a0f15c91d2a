package io.hpcdask.retry;

import java.time.Duration;

/** What a {@link Retry} reports as it goes: where a call site logs or tells its user that it tries again. */
@FunctionalInterface
public interface RetryListener {
    /** Reports nothing. */
    RetryListener SILENT = (failure, attempt, pause) -> { };

    /** Before the pause ahead of the next attempt. */
    void retrying(Exception failure, int attempt, Duration pause);

    /**
     * The policy allowed no more attempts (or the pause was interrupted, and the thread's interrupt flag is set):
     * {@code failure} is about to be thrown, unless this throws an unchecked exception in its place.
     */
    default void stopped(Exception failure, int attempts) {
    }
}
