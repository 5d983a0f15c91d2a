package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import java.util.List;

/**
 * How the core treats one run beyond its requirements.
 *
 * @param priority         higher starts first; staging order within a priority; {@link #MIN_PRIORITY} to
 *                         {@link #MAX_PRIORITY}
 * @param timeLimitMillis  how long one attempt may run before it is killed and the run ends {@code timeout}; 0: no limit
 * @param maxAttempts      starts ended by a lost worker before the run is {@code lost}; 0: the core's default
 * @param retries          how often a run that ends in error (a non-zero exit, or it could not start) is staged again
 * @param after            runs that must be {@code completed} before this one may start
 */
public record RunPolicy(int priority, long timeLimitMillis, int maxAttempts, int retries, List<RunId> after) {
    public static final int MIN_PRIORITY = -1_000_000;
    public static final int MAX_PRIORITY = 1_000_000;
    public static final RunPolicy DEFAULT = new RunPolicy(0, 0, 0, 0, List.of());

    public RunPolicy {
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY || timeLimitMillis < 0 || maxAttempts < 0 || retries < 0) {
            throw new IllegalArgumentException("priority must be within " + MIN_PRIORITY + ".." + MAX_PRIORITY
                    + "; time limit, attempts and retries must be >= 0");
        }
        after = after == null ? List.of() : List.copyOf(after);
    }
}
