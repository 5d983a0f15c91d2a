package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;

/**
 * One transition of a run, for the store. {@code worker} is the worker it runs (or ran) on, {@code exitCode} is set
 * for finished runs, {@code assignment} for runs that start (so a restarted server can take them back), {@code reason}
 * for a run that ends because it could not start or whose dependency failed, or is staged again by a retry.
 * {@code retried} (automatic retries used) and {@code tryBase} (the attempts before the current try, from which lost
 * workers are counted) are null when the change leaves them as they are. {@code stagedAt} is when a run that starts
 * was staged (for the metrics' wait), 0 for any other change.
 */
public record StateChange(RunId runId, RunState from, RunState to, WorkerId worker, Integer exitCode, int attempts,
                          long timeMillis, Assignment assignment, String reason, Integer retried, Integer tryBase,
                          long stagedAt) {
    public StateChange(RunId runId, RunState from, RunState to, WorkerId worker, Integer exitCode, int attempts,
                       long timeMillis, Assignment assignment, String reason, Integer retried, Integer tryBase) {
        this(runId, from, to, worker, exitCode, attempts, timeMillis, assignment, reason, retried, tryBase, 0);
    }

    /** A run that starts on {@code worker}. */
    public static StateChange started(RunId runId, WorkerId worker, int attempts, long timeMillis, Assignment assignment,
                                      long stagedAt) {
        return new StateChange(runId, RunState.STAGED, RunState.RUNNING, worker, null, attempts, timeMillis, assignment,
                null, null, null, stagedAt);
    }

    public StateChange(RunId runId, RunState from, RunState to, WorkerId worker, Integer exitCode, int attempts,
                       long timeMillis, Assignment assignment, String reason) {
        this(runId, from, to, worker, exitCode, attempts, timeMillis, assignment, reason, null, null);
    }

    public StateChange(RunId runId, RunState from, RunState to, WorkerId worker, Integer exitCode, int attempts,
                       long timeMillis, Assignment assignment) {
        this(runId, from, to, worker, exitCode, attempts, timeMillis, assignment, null);
    }
}
