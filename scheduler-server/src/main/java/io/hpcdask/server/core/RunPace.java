package io.hpcdask.server.core;

/**
 * How fast a busy worker gets through its runs: the time between two ends of runs on it, averaged over about the last
 * {@value #WINDOW}, counted only when it had a run sent ahead waiting at the earlier end (it started that one at once,
 * so the time between is work, not waiting for the scheduler). What the adaptive share of runs sent ahead
 * ({@link AheadRuns}) reads. Times are the core's, passed in. Ends are timed, not each run from its start to its end,
 * because a worker reports a short run's start and end together: the run then seems to take no time at all, while the
 * ends still come as fast as the worker gets through the runs.
 */
final class RunPace {
    /** Ends the average mostly remembers: a change of workload (a long array after a short one) shows within ~WINDOW. */
    static final int WINDOW = 8;

    private double millisPerEnd = Double.NaN;
    private long lastEnd;
    /** Whether the worker had a run ahead to start at the last end: the next end then times work alone. */
    private boolean busy;

    /** A run ended at {@code now}; {@code queued}: the worker holds runs sent ahead, and starts the next one now. */
    void ended(long now, boolean queued) {
        if (busy) {
            double m = Math.max(0, now - lastEnd);
            millisPerEnd = Double.isNaN(millisPerEnd) ? m : millisPerEnd + (m - millisPerEnd) / WINDOW;
        }
        lastEnd = now;
        busy = queued;
    }

    boolean known() {
        return !Double.isNaN(millisPerEnd);
    }

    /** The average time between ends (0: several ends at one time of the core's clock); NaN before it is known. */
    double millisPerEnd() {
        return millisPerEnd;
    }
}
