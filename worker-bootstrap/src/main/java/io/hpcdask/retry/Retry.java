package io.hpcdask.retry;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Runs a call until it succeeds, fails in a way not worth retrying, or its {@link RetryPolicy} allows no more
 * attempts; then that failure is thrown as it is. The pauses go through a {@link RetrySleeper} and the elapsed time is
 * read from a clock, both given, so that tests neither sleep nor depend on timing.
 */
public final class Retry {
    private static final Retry BLOCKING = new Retry(RetrySleeper.THREAD, System::nanoTime);

    /** One attempt; {@code attempt} counts from 1. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run(int attempt) throws E;
    }

    private final RetrySleeper sleeper;
    private final LongSupplier nanoClock;

    /** @param nanoClock a monotonic clock in nanoseconds, as {@link System#nanoTime} */
    public Retry(RetrySleeper sleeper, LongSupplier nanoClock) {
        this.sleeper = sleeper;
        this.nanoClock = nanoClock;
    }

    /** Pauses by sleeping on the calling thread. */
    public static Retry blocking() {
        return BLOCKING;
    }

    /** Retries the failures {@code retryable} accepts, as {@code policy} allows. */
    public <T, E extends Exception> T call(RetryPolicy policy, Predicate<? super Exception> retryable,
                                           RetryListener listener, Attempt<T, E> attempt) throws E {
        return call(failure -> retryable.test(failure) ? policy : null, listener, attempt);
    }

    /**
     * Retries each failure as the policy {@code policyFor} gives for it allows (null: not retryable). The attempts are
     * counted across all policies, so a call that fails in two ways is bounded by whichever policy it reaches first.
     */
    public <T, E extends Exception> T call(Function<? super Exception, RetryPolicy> policyFor, RetryListener listener,
                                           Attempt<T, E> attempt) throws E {
        long start = nanoClock.getAsLong();
        for (int n = 1;; n++) {
            try {
                return attempt.run(n);
            } catch (Exception failure) {
                RetryPolicy policy = policyFor.apply(failure);
                if (policy == null) {
                    throw failure;
                }
                int failed = n;
                Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
                RetrySleeper told = pause -> {
                    listener.retrying(failure, failed, pause);
                    sleeper.sleepFor(pause);
                };
                if (!policy.allowRetry(failed, elapsed, told)) {
                    listener.stopped(failure, failed);
                    throw failure;
                }
            }
        }
    }
}
