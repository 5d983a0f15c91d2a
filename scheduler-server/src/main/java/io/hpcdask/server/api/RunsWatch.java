package io.hpcdask.server.api;

import java.util.Map;

/**
 * A watch on a set of runs as it began: {@code total} runs, {@code ended} of them in a final state, the states of those
 * still staged or running by id ({@code active}; empty when they were not asked for). From then on its listener is told every change of the set's runs,
 * none missed or told twice, until {@code stop} runs.
 */
public record RunsWatch(long total, long ended, Map<Long, String> active, Runnable stop) {
    /**
     * Told, on the scheduler's loop thread (so it must only queue), that run {@code id} is now in {@code state}, and
     * that {@code ended} of the set are now in a final state (a retry stages an ended run again: it counts down).
     */
    public interface Listener {
        void changed(long id, String state, Integer exitCode, long ended);

        /** Told first, on the loop thread, how the runs stand: before any change, so what it queues comes first. */
        default void started(RunsWatch watch) {
        }
    }
}
