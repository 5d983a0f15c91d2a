package io.hpcdask.server.store;

import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;

/**
 * One row of the runs table. Times are epoch milliseconds or null. {@code reason} says why a run ended in error when
 * its process did not say it (it could not start), else null.
 */
public record StoredRun(String id, RunSpec spec, RunState state, String worker, int attempts, Long stagedAt,
                        Long startedAt, Long endedAt, Integer exitCode, Assignment assignment, String reason) {}
