package io.hpcdask.server.core;

/**
 * How long a worker's recent runs lasted, from start to end as the core saw them (a moving average over about the last
 * {@value #WINDOW} runs, times passed in): what the adaptive share of runs sent ahead ({@link AheadRuns}) reads. Until
 * a run has ended there it knows nothing, and the share stays at one run per slot, as for long runs.
 */
final class RunPace {
    /** Runs the average mostly remembers: a change of workload (a long array after a short one) shows within ~WINDOW. */
    static final int WINDOW = 8;

    private double millis = Double.NaN;

    /** A run that ran its course here ended {@code millis} after it started (0: within the core's clock tick). */
    void ended(long runMillis) {
        double m = Math.max(0, runMillis);
        millis = Double.isNaN(millis) ? m : millis + (m - millis) / WINDOW;
    }

    boolean known() {
        return !Double.isNaN(millis);
    }

    /** The average; NaN before any run ended. */
    double millis() {
        return millis;
    }
}
