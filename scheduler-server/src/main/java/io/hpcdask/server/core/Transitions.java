package io.hpcdask.server.core;

import io.hpcdask.server.ids.WorkerId;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Every change of a run's state inside the core, each told to the owner ({@link Outbox#stateChanged}) and logged from
 * here: queued, started, resumed, re-staged, ended. The events ({@link SchedulerCore}), the dispatch pass
 * ({@link Dispatcher}) and reconnects ({@link Reconnects}) decide which change happens; this keeps the run, its queue,
 * its worker and the counts in step.
 */
final class Transitions<P> implements Dependencies.Outcome {
    private final RunTable runs;
    private final StagedRuns staged;
    private final WorkerPool workers;
    private final Reservations reservations;
    private final ReconnectLedger ledger;
    private final TimeLimits timeLimits;
    private final Dependencies dependencies;
    private final ResourceNames names;
    private final CoreConfig config;
    private final Outbox<P> out;
    /** Asks for a dispatch (now, or at the end of the batch): a run whose dependencies completed is queued. */
    private final LongConsumer dispatchSoon;

    Transitions(RunTable runs, StagedRuns staged, WorkerPool workers, Reservations reservations, ReconnectLedger ledger,
                TimeLimits timeLimits, ResourceNames names, CoreConfig config, Outbox<P> out, LongConsumer dispatchSoon) {
        this.runs = runs;
        this.staged = staged;
        this.workers = workers;
        this.reservations = reservations;
        this.ledger = ledger;
        this.timeLimits = timeLimits;
        this.names = names;
        this.config = config;
        this.out = out;
        this.dispatchSoon = dispatchSoon;
        this.dependencies = new Dependencies(runs.byId(), this);
    }

    Dependencies dependencies() {
        return dependencies;
    }

    /** A staged run joins its queue, or waits for its dependencies, or ends because one of them failed. */
    void admit(Run run, RunPolicy policy, long now) {
        String failedDependency = dependencies.waitFor(run, policy.after(), out);
        if (failedDependency != null) {
            cancelled(run, failedDependency, now);
        } else if (run.waitingFor == null) {
            enqueue(run);
        }
    }

    @Override
    public void ready(Run run, long now) {
        enqueue(run);
        dispatchSoon.accept(now);
    }

    @Override
    public void cancelled(Run run, String reason, long now) {
        out.log(LogLevel.WARN, "Run " + run.id + " cancelled: " + reason);
        finish(run, RunState.TERMINATED, null, reason, now);
    }

    /** A finished run staged again by its owner, after the {@code attempts} it had; it was {@code from}. */
    void retried(Run run, RunState from, RunPolicy policy, int attempts, long now) {
        run.state = RunState.STAGED;
        out.stateChanged(new StateChange(run.id, from, RunState.STAGED, null, null, attempts, now, null,
                "retried by user", 0, attempts));
        out.log(LogLevel.INFO, "Run " + run.id + " staged again by a retry (it was " + from.label() + " after "
                + attempts + " attempt(s))");
        admit(run, policy, now);
    }

    /** The dispatch pass starts queued {@code run} (of shape {@code s}) on {@code w} as its next attempt. */
    void start(Run run, Shape s, Worker w, long now) {
        run.attempts++;
        place(run, s, w, now);
        out.stateChanged(StateChange.started(run.id, w.name(), run.attempts, now, run.assignment, run.stagedAt));
        if (out.logs(LogLevel.DEBUG)) { // every run: its start is in the store, the line only for who asks
            List<String> gpus = run.assignment.gpuIds();
            out.log(LogLevel.DEBUG, "Starting staged run " + run.id
                    + (run.requires.isEmpty() ? "" : " (requires " + s.label + ")")
                    + " on worker " + w.name() + (gpus.isEmpty() ? "" : " with gpu " + String.join(",", gpus)));
        }
        out.startRun(run.id, payload(run), w.name(), run.assignment, run.attempts);
    }

    /** Queued {@code run} is already running on {@code w} as {@code attempt}, a start the store had not recorded. */
    void resume(Run run, Shape s, Worker w, int attempt, long now) {
        run.attempts = attempt;
        place(run, s, w, now);
        out.stateChanged(new StateChange(run.id, RunState.STAGED, RunState.RUNNING, w.name(), null, run.attempts, now,
                run.assignment));
        out.log(LogLevel.INFO, "Run " + run.id + " continues on worker " + w.name() + " (attempt " + attempt
                + ", whose start was not recorded before the scheduler restarted)");
    }

    private void place(Run run, Shape s, Worker w, long now) {
        staged.remove(s, run);
        reservations.release(run);
        run.assignment = w.take(run, s, names);
        run.state = RunState.RUNNING;
        run.worker = w.name();
        run.startedAt = now;
        run.passedOver = 0;
        runs.startsRunning();
        timeLimits.watch(run, now);
        workers.refresh(w);
    }

    /** A queued run leaves its queue without starting (it ends). */
    void unstage(Run run) {
        staged.remove(run);
        reservations.release(run);
    }

    /** A running run stops holding anything: its worker gets its resources back, or the ledger forgets it. */
    void unhold(Run run) {
        Worker w = run.on;
        if (w == null) {
            ledger.drop(run);
            return;
        }
        w.give(run, names);
        workers.refresh(w);
    }

    void finish(Run run, RunState to, Integer exitCode, String reason, long now) {
        RunState from = run.state;
        if (from == RunState.RUNNING) {
            runs.stopsRunning();
        }
        runs.remove(run);
        run.state = to;
        run.exitCode = exitCode;
        run.endedAt = now;
        out.stateChanged(new StateChange(run.id, from, to, run.worker, exitCode, run.attempts, now, null, reason));
        dependencies.settle(run, now);
        switch (to) {
            case COMPLETED -> {
                if (out.logs(LogLevel.DEBUG)) {
                    out.log(LogLevel.DEBUG, "Run " + run.id + " completed");
                }
            }
            case ERROR -> out.log(LogLevel.INFO, exitCode == null ? "Run " + run.id + " ended in error"
                    : "Run " + run.id + " exited with code " + exitCode);
            case TERMINATED -> out.log(LogLevel.INFO, exitCode == null ? "Run " + run.id + " cancelled"
                    : "Run " + run.id + " exited with code " + exitCode + " (terminated)");
            case LOST -> out.log(LogLevel.WARN, "Run " + run.id + " lost: its worker " + run.worker
                    + " was lost on attempt " + (run.attempts - run.tryBase) + " of " + maxAttempts(run));
            case TIMEOUT -> out.log(LogLevel.INFO, "Run " + run.id + " timed out"
                    + (exitCode == null ? "" : " (exit code " + exitCode + ")"));
            default -> throw new IllegalStateException("not a final state: " + to);
        }
    }

    /** A run ended in error: staged again as a new try while it has retries left, else it ends {@code error}. */
    void failed(Run run, Integer exitCode, String reason, long now) {
        if (run.retried >= run.retries) {
            finish(run, RunState.ERROR, exitCode, reason, now);
            return;
        }
        WorkerId worker = run.worker;
        run.retried++;
        run.tryBase = run.attempts;
        runs.stopsRunning();
        run.passedOver = 0;
        enqueue(run);
        String why = (exitCode != null ? "it exited with code " + exitCode : "it could not start: " + reason)
                + " (retry " + run.retried + " of " + run.retries + ")";
        out.stateChanged(new StateChange(run.id, RunState.RUNNING, RunState.STAGED, worker, exitCode, run.attempts,
                now, null, why, run.retried, run.tryBase));
        out.log(LogLevel.WARN, "Run " + run.id + " re-staged: " + why);
    }

    /** A running run whose worker is gone (its resources already released) goes back to staged, or ends. */
    void requeue(Run run, String why, long now) {
        WorkerId worker = run.worker;
        if (run.timedOut) {
            finish(run, RunState.TIMEOUT, null, null, now);
        } else if (run.cancelRequested) {
            finish(run, RunState.TERMINATED, null, null, now);
        } else if (run.attempts - run.tryBase >= maxAttempts(run)) {
            finish(run, RunState.LOST, null, null, now);
        } else {
            runs.stopsRunning();
            run.passedOver = 0;
            enqueue(run);
            out.stateChanged(new StateChange(run.id, RunState.RUNNING, RunState.STAGED, worker, null, run.attempts,
                    now, null));
            out.log(LogLevel.WARN, "Run " + run.id + " re-staged: " + why + " (attempt " + (run.attempts - run.tryBase)
                    + " of " + maxAttempts(run) + ")");
        }
    }

    private void enqueue(Run run) {
        staged.add(run, workers.all());
        run.state = RunState.STAGED;
        run.worker = null;
        run.on = null;
        run.assignment = null;
        run.startedAt = null;
    }

    private int maxAttempts(Run run) {
        return run.maxAttempts > 0 ? run.maxAttempts : config.maxAttempts();
    }

    /** Every payload was handed in as a {@code P} (see {@link Run#payload}). */
    @SuppressWarnings("unchecked")
    private P payload(Run run) {
        return (P) run.payload;
    }
}
