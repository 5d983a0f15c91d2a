package io.hpcdask.server.scaling;

/**
 * How a profile adapts to demand: it keeps between {@code min} and {@code max} workers, stops a worker that has had
 * nothing to do (and no staged run it could take) for {@code idleTimeoutMillis}, and never keeps more than
 * {@code maxPending} jobs pending in the batch system at once ({@link #NO_PENDING_LIMIT}: only {@code max} bounds them).
 */
public record AdaptPolicy(int min, int max, long idleTimeoutMillis, int maxPending) {
    public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 300_000;
    public static final int NO_PENDING_LIMIT = Integer.MAX_VALUE;

    public AdaptPolicy {
        if (min < 0) {
            throw new IllegalArgumentException("--min: '" + min + "' is negative; expected a whole number >= 0");
        }
        if (max < min) {
            throw new IllegalArgumentException("--max: '" + max + "' is below --min " + min + "; expected a whole number >= min");
        }
        if (max < 1) {
            throw new IllegalArgumentException("--max: '" + max + "' allows no worker; expected a whole number >= 1");
        }
        if (idleTimeoutMillis < 0) {
            throw new IllegalArgumentException("--idle-timeout: negative; expected a duration such as 5m or 300");
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("--max-pending: '" + maxPending + "' allows no pending job; expected a whole number >= 1");
        }
    }
}
