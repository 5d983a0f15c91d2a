package io.hpcdask.server.loop;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.LogStream;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.LogLevel;
import io.hpcdask.server.core.Outbox;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import io.hpcdask.server.store.RunLogs;
import io.hpcdask.server.store.RunStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Carries out the core's effects on the loop thread: messages to workers through their current connection, state
 * changes to the store (queued for its group commit), log lines to the scheduler log.
 */
public final class CoreOutbox implements Outbox<RunRequest> {
    private final Map<WorkerId, io.hpcdask.server.transport.WorkerConnection> connections = new HashMap<>();
    private final RunStore store;
    private final RunLogs logs;
    private final Logger log;
    private final AtomicLong finished = new AtomicLong();

    private volatile StartFailures startFailures = (runId, worker, reason) -> { };
    private volatile java.util.function.BiConsumer<WorkerId, String> fencing = (worker, jobId) -> { };
    private volatile java.util.function.Consumer<StateChange> changes = change -> { };
    /** The current attempt of each run started since this server started; output of other attempts is dropped. */
    private final Map<RunId, Integer> attempts = new java.util.concurrent.ConcurrentHashMap<>();

    /** Where a run goes that could not be handed to its worker: a later core event, never a call back into the core. */
    @FunctionalInterface
    public interface StartFailures {
        void failed(RunId runId, WorkerId worker, String reason);
    }

    public CoreOutbox(RunStore store, RunLogs logs, Logger log) {
        this.store = store;
        this.logs = logs;
        this.log = log;
    }

    /** Set before the core dispatches: the server queues {@code SchedulerCore.startFailed} on its loop. */
    public void onStartFailure(StartFailures startFailures) {
        this.startFailures = startFailures;
    }

    /** Set before workers connect: who cancels a silent batch worker's job before its runs are re-staged. */
    public void onFence(java.util.function.BiConsumer<WorkerId, String> fencing) {
        this.fencing = fencing;
    }

    /** Set before the core starts: who is told of each state change once the store has it queued (waiting clients). */
    public void onStateChange(java.util.function.Consumer<StateChange> changes) {
        this.changes = changes;
    }

    /**
     * Whether output of {@code attempt} of a run belongs in its log: not when a later attempt has started since
     * (0, an attempt not known, is let through). Called from transport threads.
     */
    boolean currentAttempt(RunId runId, int attempt) {
        Integer current = attempts.get(runId);
        return attempt == 0 || current == null || attempt >= current;
    }

    /** Worker name to its live connection; only the loop thread touches it. */
    Map<WorkerId, io.hpcdask.server.transport.WorkerConnection> connections() {
        return connections;
    }

    /** Runs that reached a final state since the server started. */
    public long finishedCount() {
        return finished.get();
    }

    @Override
    public void startRun(RunId runId, RunRequest spec, WorkerId worker, Assignment assignment) {
        startRun(runId, spec, worker, assignment, 0);
    }

    @Override
    public void startRun(RunId runId, RunRequest spec, WorkerId worker, Assignment assignment, int attempt) {
        try {
            logs.prepare(runId); // before the worker hears of it: output needs somewhere to go
            if (attempt > 1) { // the first attempt's output starts the log; every later one is marked
                logs.append(runId, LogStream.NOTE, RunLogs.attemptHeader(attempt, worker, System.currentTimeMillis()));
            }
        } catch (RuntimeException e) {
            startFailures.failed(runId, worker, e.getMessage());
            return;
        }
        if (attempt > 0) {
            attempts.put(runId, attempt);
        }
        Map<String, String> env = new HashMap<>(spec.env());
        env.put("HPC_DASK_RUN_ID", runId.value());
        if (!send(worker, new Message.StartRun(runId.value(), spec.argv(), spec.shell(), spec.cwd(), env,
                assignment.resources(), assignment.gpuIds(), attempt))) {
            startFailures.failed(runId, worker, "no connection to worker " + worker);
        }
    }

    @Override
    public void cancelRun(RunId runId, WorkerId worker) {
        send(worker, new Message.CancelRun(runId.value()));
    }

    @Override
    public void cancelRun(RunId runId, WorkerId worker, int attempt) {
        send(worker, new Message.CancelRun(runId.value(), attempt));
    }

    @Override
    public void superseded(RunId runId, WorkerId worker, int attempt, String outcome, Integer exitCode, long timeMillis) {
        store.recordSuperseded(runId, worker, attempt, outcome, exitCode, timeMillis);
    }

    @Override
    public void fenceWorker(WorkerId worker, String jobId) {
        fencing.accept(worker, jobId);
    }

    @Override
    public void drainWorker(WorkerId worker, String reason) {
        send(worker, new Message.Drain(reason));
    }

    @Override
    public void stopWorker(WorkerId worker, String reason) {
        send(worker, new Message.Stop(reason));
    }

    @Override
    public void stateChanged(StateChange change) {
        store.record(change);
        if (change.to().isFinal()) {
            attempts.remove(change.runId());
            finished.incrementAndGet();
        }
        changes.accept(change);
    }

    /** From the store, whose reads include changes not yet committed: a run the core just finished is seen ended. */
    @Override
    public RunState endedState(RunId runId) {
        return store.run(runId).map(r -> r.state()).filter(RunState::isFinal).orElse(null);
    }

    @Override
    public void log(LogLevel level, String line) {
        switch (level) {
            case WARN -> log.warn(line);
            case INFO -> log.info(line);
            case DEBUG -> log.debug(line);
        }
    }

    @Override
    public boolean logs(LogLevel level) {
        return level != LogLevel.DEBUG || log.isDebugEnabled();
    }

    private boolean send(WorkerId worker, Message message) {
        io.hpcdask.server.transport.WorkerConnection c = connections.get(worker);
        if (c == null) {
            log.warn("No connection to worker {} for {}", worker, message.getClass().getSimpleName());
            return false;
        }
        c.send(message);
        return true;
    }
}
