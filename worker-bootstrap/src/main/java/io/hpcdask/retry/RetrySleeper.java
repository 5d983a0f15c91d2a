package io.hpcdask.retry;

import java.time.Duration;

/** Waits out the pause before a retry; tests pass one that records the pauses instead of sleeping (Curator's shape). */
@FunctionalInterface
public interface RetrySleeper {
    /** Sleeps on the calling thread; a zero pause returns at once, so an immediate retry costs nothing. */
    RetrySleeper THREAD = pause -> {
        if (pause.isNegative() || pause.isZero()) {
            return;
        }
        Thread.sleep(pause.toMillis());
    };

    void sleepFor(Duration pause) throws InterruptedException;
}
