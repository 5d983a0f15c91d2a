package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.List;

/** Remembers every effect the core asks for, in order. */
final class RecordingOutbox implements Outbox<Object> {
    record Start(String runId, Object payload, String worker, Assignment assignment) {}

    record Cancel(String runId, String worker) {}

    final List<Start> starts = new ArrayList<>();
    final List<Cancel> cancels = new ArrayList<>();
    final List<String> drains = new ArrayList<>();
    final List<String> stops = new ArrayList<>();
    final List<StateChange> changes = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    /** Attempt of each start, in order of {@link #starts}. */
    final List<Integer> startAttempts = new ArrayList<>();
    final List<Integer> cancelAttempts = new ArrayList<>();
    final List<String> superseded = new ArrayList<>();
    final List<String> fences = new ArrayList<>();
    /** How runs the core no longer holds ended, as the store would say ({@link #endedState}). */
    final java.util.Map<String, RunState> ended = new java.util.HashMap<>();

    @Override
    public void startRun(RunId runId, Object payload, WorkerId worker, Assignment assignment, int attempt) {
        startRun(runId, payload, worker, assignment);
        startAttempts.add(attempt);
    }

    @Override
    public void cancelRun(RunId runId, WorkerId worker, int attempt) {
        cancelRun(runId, worker);
        cancelAttempts.add(attempt);
    }

    /** Recorded as {@code RUN attempt N on WORKER: OUTCOME}. */
    @Override
    public void superseded(RunId runId, WorkerId worker, int attempt, String outcome, Integer exitCode, long timeMillis) {
        superseded.add(runId + " attempt " + attempt + " on " + worker + ": " + outcome);
    }

    @Override
    public void fenceWorker(WorkerId worker, String jobId) {
        fences.add(worker + " job " + jobId);
    }

    @Override
    public void startRun(RunId runId, Object payload, WorkerId worker, Assignment assignment) {
        starts.add(new Start(runId.value(), payload, worker.name(), assignment));
    }

    @Override
    public void cancelRun(RunId runId, WorkerId worker) {
        cancels.add(new Cancel(runId.value(), worker.name()));
    }

    @Override
    public void drainWorker(WorkerId worker, String reason) {
        drains.add(worker.name());
    }

    @Override
    public void stopWorker(WorkerId worker, String reason) {
        stops.add(worker.name());
    }

    @Override
    public void stateChanged(StateChange change) {
        changes.add(change);
        ended.put(change.runId().value(), change.to());
    }

    @Override
    public RunState endedState(RunId runId) {
        RunState s = ended.get(runId.value());
        return s != null && s.isFinal() ? s : null;
    }

    @Override
    public void log(LogLevel level, String line) {
        logs.add(line);
    }

    List<String> startedIds() {
        return starts.stream().map(Start::runId).toList();
    }

    String workerOf(String runId) {
        for (int i = starts.size() - 1; i >= 0; i--) {
            if (starts.get(i).runId().equals(runId)) {
                return starts.get(i).worker();
            }
        }
        return null;
    }

    long logCount(String line) {
        return logs.stream().filter(line::equals).count();
    }

    void clear() {
        starts.clear();
        cancels.clear();
        drains.clear();
        stops.clear();
        changes.clear();
        logs.clear();
        startAttempts.clear();
        cancelAttempts.clear();
        superseded.clear();
        fences.clear();
    }
}
