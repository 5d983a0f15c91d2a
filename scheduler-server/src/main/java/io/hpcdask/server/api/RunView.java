package io.hpcdask.server.api;

import java.util.List;
import java.util.Map;

/**
 * A run as {@code hpc-dask runs} shows it. Times are epoch milliseconds or null. {@code waitReason} says why a staged
 * run does not start; {@code reason} why a run ended in error without an exit code of its own (it could not start), why
 * a dependency cancelled it, or why it was staged again. Policies: {@code priority}, {@code timeLimitSeconds} (null:
 * none), {@code maxAttempts} (null: the scheduler's), {@code retries} allowed and {@code retried} used, {@code after}
 * (the runs it waits for, as ranges; null: none).
 */
public record RunView(String id, String label, String state, List<String> argv, Map<String, Long> requires,
                      String worker, Long stagedAt, Long startedAt, Long endedAt, Integer exitCode, int attempts,
                      String waitReason, String reason, int priority, Long timeLimitSeconds, Integer maxAttempts,
                      int retries, int retried, String after) {
    /** A run with no policies of its own. */
    public RunView(String id, String label, String state, List<String> argv, Map<String, Long> requires,
                   String worker, Long stagedAt, Long startedAt, Long endedAt, Integer exitCode, int attempts,
                   String waitReason, String reason) {
        this(id, label, state, argv, requires, worker, stagedAt, startedAt, endedAt, exitCode, attempts, waitReason,
                reason, 0, null, null, 0, 0, null);
    }
}
