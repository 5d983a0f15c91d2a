package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;

/**
 * One transition of a run, for the store. {@code worker} is the worker it runs (or ran) on, {@code exitCode} is set
 * for finished runs, {@code assignment} for runs that start (so a restarted server can take them back), {@code reason}
 * for a run that ends because it could not start.
 */
public record StateChange(RunId runId, RunState from, RunState to, WorkerId worker, Integer exitCode, int attempts,
                          long timeMillis, Assignment assignment, String reason) {
    public StateChange(RunId runId, RunState from, RunState to, WorkerId worker, Integer exitCode, int attempts,
                       long timeMillis, Assignment assignment) {
        this(runId, from, to, worker, exitCode, attempts, timeMillis, assignment, null);
    }
}
