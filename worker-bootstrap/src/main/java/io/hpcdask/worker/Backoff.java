package io.hpcdask.worker;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential with jitter, so many workers that lost the same scheduler do not come back as one
 * burst.
 */
final class Backoff {
    private final long firstMillis;
    private final long maxMillis;
    private int attempt;

    Backoff(long firstMillis, long maxMillis) {
        this.firstMillis = firstMillis;
        this.maxMillis = maxMillis;
    }

    long nextDelayMillis() {
        long ceiling = Math.min(maxMillis, firstMillis << Math.min(attempt, 20));
        attempt++;
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    void reset() {
        attempt = 0;
    }
}
