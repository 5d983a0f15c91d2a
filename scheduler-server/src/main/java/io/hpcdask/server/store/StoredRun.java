package io.hpcdask.server.store;

import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;

/** One row of the runs table. Times are epoch milliseconds or null. */
public record StoredRun(String id, RunSpec spec, RunState state, String worker, int attempts, Long stagedAt,
                        Long startedAt, Long endedAt, Integer exitCode, Assignment assignment) {}
