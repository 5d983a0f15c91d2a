package io.hpcdask.server.api;

import java.nio.file.Path;
import java.util.List;

/** A scheduler with no runs and no workers, for tests of what is around it; a test overrides what it needs. */
public class EmptyService implements SchedulerService {
    @Override
    public StageResult stage(List<RunRequest> runs) {
        return new StageResult(List.of(), List.of());
    }

    @Override
    public List<RunView> runs(String state) {
        return List.of();
    }

    @Override
    public List<WorkerView> workers() {
        return List.of();
    }

    @Override
    public List<String> cancel(List<String> runIds) {
        return List.of();
    }

    @Override
    public Path runLog(String runId) {
        return null;
    }
}
