package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.List;
import java.util.Map;

/**
 * A connected worker as the core sees it: what it offers (including {@code gpu}), what is committed, its state
 * (idle, partly used, saturated, draining), its runs, and the run it is reserved for (anti-starvation), if any.
 */
public record CoreWorker(WorkerId name, String host, String jobId, Map<String, Long> resources, Map<String, Long> used,
                         int slots, int slotsUsed, List<String> gpuIds, String state, long endTimeMillis,
                         List<RunId> runIds, RunId reservedFor) {}
