package io.hpcdask.server.api;

import java.util.List;
import java.util.Map;

/**
 * A run as {@code hpc-dask runs} shows it. Times are epoch milliseconds or null. {@code waitReason} says why a staged
 * run does not start; {@code reason} why a run ended in error without an exit code of its own (it could not start).
 */
public record RunView(String id, String label, String state, List<String> argv, Map<String, Long> requires,
                      String worker, Long stagedAt, Long startedAt, Long endedAt, Integer exitCode, int attempts,
                      String waitReason, String reason) {}
