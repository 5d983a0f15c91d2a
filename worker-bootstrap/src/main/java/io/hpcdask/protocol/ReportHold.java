package io.hpcdask.protocol;

/**
 * How long a busy worker may hold its reports of runs ({@link Message.RunStarted}, {@link Message.RunFinished}) to
 * send several in one frame. It holds them only while every place a run ended in was taken at once by a run the
 * scheduler sent ahead, so nothing waits on the scheduler meanwhile; an end that frees a place goes out at once, and
 * with it everything held. The worker's JVM decides whether a hold is allowed (not while it settles at once for a
 * drain or a closing link) and its spawn helper, which sees the ends first, does the holding, so a string of short
 * runs also wakes the JVM once per several. Both ends know it: the scheduler sends a busy worker enough runs ahead to
 * last through a hold and the trip back ({@code AheadRuns}).
 */
public final class ReportHold {
    /**
     * At most, from the first report held. A frame per run cost each end about as much CPU as the rest of the run's
     * handling on the machines measured (a wake-up, a read, a seal and a write per frame); 20 ms folds several short
     * runs into one frame and delays what a user sees of a run (its end, the next run of a dependency) by as little.
     */
    public static final long MILLIS = 20;

    private ReportHold() {
    }
}
