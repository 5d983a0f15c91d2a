package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;

/**
 * Every effect of the decision core, and the one thing it asks ({@link #endedState}). The core calls these while handling an event; the event loop carries them out
 * (messages to workers, rows in the store, lines in the server log). Implementations must not call back into the core.
 *
 * @param <P> the payload the core was given with each run at staging
 */
public interface Outbox<P> {
    /** Send run {@code runId} (with the payload the core was given at staging) to {@code worker}. */
    void startRun(RunId runId, P payload, WorkerId worker, Assignment assignment);

    /** As above, for the run's {@code attempt}-th start; the worker echoes the attempt in every report. */
    default void startRun(RunId runId, P payload, WorkerId worker, Assignment assignment, int attempt) {
        startRun(runId, payload, worker, assignment);
    }

    void cancelRun(RunId runId, WorkerId worker);

    /** Cancel the copy of {@code attempt} (or older) that {@code worker} holds. */
    default void cancelRun(RunId runId, WorkerId worker, int attempt) {
        cancelRun(runId, worker);
    }

    /**
     * A report about a copy of a run that is no longer the current one (an earlier attempt, or a worker the run was
     * taken from): it goes into the run's history only, never into its state.
     */
    default void superseded(RunId runId, WorkerId worker, int attempt, String outcome, Integer exitCode, long timeMillis) {
    }

    /**
     * A silent worker's runs are about to be re-staged: end the worker for good where that can be done from outside
     * (cancel its batch job), so that not even a frozen node can go on with them.
     */
    default void fenceWorker(WorkerId worker, String jobId) {
    }

    /** Tell the worker to take no new runs and exit when its last one ends. */
    void drainWorker(WorkerId worker, String reason);

    /** Tell the worker to kill its runs and exit now. */
    void stopWorker(WorkerId worker, String reason);

    void stateChanged(StateChange change);

    /**
     * The one question the core asks its owner: how a run it no longer holds ended (a dependency that finished before
     * a run naming it was handed in). Null when no such run is known.
     */
    default RunState endedState(RunId runId) {
        return null;
    }

    void log(LogLevel level, String line);

    /** Whether lines of {@code level} are written: the core does not build the per-run lines nobody reads. */
    default boolean logs(LogLevel level) {
        return true;
    }
}
