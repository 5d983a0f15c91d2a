package io.hpcdask.server.store;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;

/**
 * One row of the runs table. Times are epoch milliseconds or null. {@code reason} says why a run ended in error when
 * its process did not say it (it could not start), why a dependency cancelled it, or why it was staged again, else
 * null. {@code retried}: automatic retries used; {@code tryBase}: attempts before its current try.
 */
public record StoredRun(RunId id, RunRequest spec, RunState state, WorkerId worker, int attempts, Long stagedAt,
                        Long startedAt, Long endedAt, Integer exitCode, Assignment assignment, String reason,
                        int retried, int tryBase) {
    public StoredRun(RunId id, RunRequest spec, RunState state, WorkerId worker, int attempts, Long stagedAt,
                     Long startedAt, Long endedAt, Integer exitCode, Assignment assignment, String reason) {
        this(id, spec, state, worker, attempts, stagedAt, startedAt, endedAt, exitCode, assignment, reason, 0, 0);
    }
}
