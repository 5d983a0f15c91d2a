package io.hpcdask.server.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rules of the decision core.
 *
 * @param declaredResources  cluster resources from the configuration (e.g. {@code foo=7}); their names count as defined
 *                           even when no connected worker offers them
 * @param maxAttempts        how often a run is started before a lost worker makes it {@code lost}
 * @param starvationPasses   after this many runs staged later than it have started while it waited, a run reserves a
 *                           worker (see {@link SchedulerCore})
 * @param reconnectGraceMillis how long the runs of a disconnected worker stay its own at least, waiting for it to
 *                           re-register
 * @param leaseMarginMillis    added to a worker's lease: its runs are re-staged no earlier than lease + margin after
 *                           it went silent, so its own copies are dead by then (it kills them when its lease runs out)
 * @param aheadPerSlot       runs sent ahead to a busy worker per slot it has (0: none; {@link #AHEAD_ADAPTIVE}: as
 *                           many as a few ms of its recent runs, see {@link AheadRuns}), which it starts itself as its
 *                           slots free, without a round trip to the scheduler (see {@link SchedulerCore})
 */
public record CoreConfig(Map<String, Long> declaredResources, int maxAttempts, int starvationPasses,
                         long reconnectGraceMillis, long leaseMarginMillis, int aheadPerSlot) {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int DEFAULT_STARVATION_PASSES = 50;
    public static final long DEFAULT_LEASE_MARGIN_MILLIS = 10_000;
    /**
     * Runs sent ahead chosen for each worker from how fast it got through its recent runs: one per slot for long
     * runs, more for short ones, so that a worker holds a few ms of work (a fixed number holds too little of short
     * runs to hide the round trip, or too much of long ones while another worker idles).
     */
    public static final int AHEAD_ADAPTIVE = -1;
    /** A server's runs sent ahead per worker slot. */
    public static final int DEFAULT_AHEAD_PER_SLOT = AHEAD_ADAPTIVE;

    public CoreConfig {
        declaredResources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(declaredResources));
        if (maxAttempts < 1 || starvationPasses < 1 || reconnectGraceMillis < 0 || leaseMarginMillis < 0
                || aheadPerSlot < AHEAD_ADAPTIVE) {
            throw new IllegalArgumentException("maxAttempts and starvationPasses must be >= 1, grace and margin >= 0,"
                    + " aheadPerSlot >= 0 or AHEAD_ADAPTIVE");
        }
    }

    /** Without runs sent ahead. */
    public CoreConfig(Map<String, Long> declaredResources, int maxAttempts, int starvationPasses,
                      long reconnectGraceMillis, long leaseMarginMillis) {
        this(declaredResources, maxAttempts, starvationPasses, reconnectGraceMillis, leaseMarginMillis, 0);
    }

    public CoreConfig withAheadPerSlot(int perSlot) {
        return new CoreConfig(declaredResources, maxAttempts, starvationPasses, reconnectGraceMillis, leaseMarginMillis,
                perSlot);
    }

    public CoreConfig(Map<String, Long> declaredResources, int maxAttempts, int starvationPasses,
                      long reconnectGraceMillis) {
        this(declaredResources, maxAttempts, starvationPasses, reconnectGraceMillis, DEFAULT_LEASE_MARGIN_MILLIS);
    }

    public static CoreConfig defaults(Map<String, Long> declaredResources) {
        return new CoreConfig(declaredResources, DEFAULT_MAX_ATTEMPTS, DEFAULT_STARVATION_PASSES, 5_000);
    }
}
