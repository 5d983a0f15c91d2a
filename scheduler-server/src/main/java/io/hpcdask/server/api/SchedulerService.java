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

    /** Runs in staging order; {@code state} null for all. */
    List<RunView> runs(String state);

    List<WorkerView> workers();

    /** Cancels staged or running runs; returns the ids that were cancelled. */
    List<String> cancel(List<String> runIds);

    /** The run's output file (stdout and stderr as they arrived). */
    Path runLog(String runId);
}
