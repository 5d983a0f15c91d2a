package io.hpcdask.retry;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed call may be tried again, and after what pause. In Curator's shape ({@link #allowRetry}), with the
 * pause also given on its own ({@link #delayAfter}) for a caller that must not block, such as an event loop that
 * schedules its next attempt. A policy keeps no state: the attempt count and the elapsed time are passed in.
 */
@FunctionalInterface
public interface RetryPolicy {
    /**
     * The pause before the next attempt, or empty when there is to be none.
     *
     * @param attempt how many attempts have failed so far: 1 after the first
     * @param elapsed how long since the first attempt began
     */
    Optional<Duration> delayAfter(int attempt, Duration elapsed);

    /**
     * Sleeps the pause through {@code sleeper} (a zero pause too, so a sleeper sees every retry) and allows the retry;
     * false when the policy allows none, or when the pause is interrupted (the thread's interrupt flag is then set).
     */
    default boolean allowRetry(int attempt, Duration elapsed, RetrySleeper sleeper) {
        Optional<Duration> pause = delayAfter(attempt, elapsed);
        if (pause.isEmpty()) {
            return false;
        }
        try {
            sleeper.sleepFor(pause.get());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The same pause before every retry ({@link Duration#ZERO}: retry at once), without end. */
    static RetryPolicy fixed(Duration pause) {
        Optional<Duration> always = Optional.of(pause);
        return (attempt, elapsed) -> always;
    }

    /** {@code step} times the number of failed attempts: step, 2 step, 3 step, ... without end. */
    static RetryPolicy linear(Duration step) {
        return (attempt, elapsed) -> Optional.of(step.multipliedBy(attempt));
    }

    /** {@code first}, then doubling after each failure, without end (see {@link #cappedAt}). */
    static RetryPolicy exponential(Duration first) {
        // 2^30 times any first pause is already longer than anyone waits; the bound keeps the product finite
        return (attempt, elapsed) -> Optional.of(first.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 30)));
    }

    /** No pause longer than {@code max}. */
    default RetryPolicy cappedAt(Duration max) {
        return (attempt, elapsed) -> delayAfter(attempt, elapsed).map(d -> d.compareTo(max) > 0 ? max : d);
    }

    /**
     * Each pause drawn at random between half of it and all of it (in milliseconds), so that many clients that failed
     * together do not all come back at the same moment.
     */
    default RetryPolicy withEqualJitter(RandomGenerator random) {
        return (attempt, elapsed) -> delayAfter(attempt, elapsed).map(d -> {
            long half = d.toMillis() / 2;
            return Duration.ofMillis(half + random.nextLong(half + 1));
        });
    }

    /** No retry once {@code attempts} attempts have failed: at most {@code attempts} in all. */
    default RetryPolicy maxAttempts(int attempts) {
        return (attempt, elapsed) -> attempt >= attempts ? Optional.empty() : delayAfter(attempt, elapsed);
    }

    /** No retry once {@code limit} has passed since the first attempt began. */
    default RetryPolicy maxElapsed(Duration limit) {
        return (attempt, elapsed) -> elapsed.compareTo(limit) >= 0 ? Optional.empty() : delayAfter(attempt, elapsed);
    }
}
