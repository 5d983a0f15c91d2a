package io.hpcdask.retry;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The failed attempts of a call retried without blocking (from an event loop, say, that schedules the next attempt
 * itself): counts them and times them, until {@link #reset} after a success. Such a caller learns when an attempt
 * failed, not when a series began, so the elapsed time runs from the first failure. For one thread at a time.
 */
public final class Attempts {
    private final RetryPolicy policy;
    private final LongSupplier nanoClock;
    private int failed;
    private long firstFailureNanos;

    /** @param nanoClock a monotonic clock in nanoseconds, as {@link System#nanoTime} */
    public Attempts(RetryPolicy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.nanoClock = nanoClock;
    }

    /** Records a failed attempt: the pause before the next, or empty when the policy allows none. */
    public Optional<Duration> failed() {
        long now = nanoClock.getAsLong();
        if (failed == 0) {
            firstFailureNanos = now;
        }
        failed++;
        return policy.delayAfter(failed, Duration.ofNanos(now - firstFailureNanos));
    }

    /** After a success: the next failure starts a new series. */
    public void reset() {
        failed = 0;
    }
}
