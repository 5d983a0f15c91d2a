package io.hpcdask.server.api;

import java.nio.file.Path;
import java.util.List;

/**
 * What a running scheduler offers its clients. The HTTP API serves exactly this; the CLI reaches it through
 * {@code SchedulerClient}.
 */
public interface SchedulerService {
    /** Stages runs; returns only once every one of them is durable in the store. */
    StageResult stage(List<RunRequest> runs);

    /**
     * Stages runs as {@link #stage(List)} does; a {@code requestId} (chosen by the client, or null) seen before returns
     * the runs that request staged and stages nothing, so a retry after a lost answer never stages twice.
     */
    default StageResult stage(String requestId, List<RunRequest> runs) {
        return stage(runs);
    }

    /** Runs in staging order; {@code state} null for all. */
    List<RunView> runs(String state);

    List<WorkerView> workers();

    /** Cancels staged or running runs; returns the ids that were cancelled. */
    List<String> cancel(List<String> runIds);

    /** The run's output file (stdout and stderr as they arrived). */
    Path runLog(String runId);
}
