package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.Map;

/**
 * A staged or running run as the core sees it. {@code waitReason} says why a staged run has not started (null when
 * running); {@code assignment} is what a running run holds.
 */
public record CoreRun(RunId id, RunState state, Map<String, Long> requires, WorkerId worker, int attempts,
                      long stagedAt, Long startedAt, Assignment assignment, String waitReason) {}
