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

    /**
     * {@code run} can start on no worker now: it goes to {@code w}'s queue ({@link AheadRuns}) as its next attempt,
     * holding nothing there, and stays staged to the store and the user until the worker reports it started.
     */
    void sendAhead(Run run, Shape s, Worker w, long now) {
        staged.remove(s, run);
        reservations.release(run);
        run.attempts++;
        run.assignment = new Assignment(run.requires, List.of());
        run.state = RunState.RUNNING;
        run.ahead = true;
        run.worker = w.name();
        run.on = w;
        run.passedOver = 0;
        w.ahead.put(run.id, run);
        runs.sentAhead();
        workers.refresh(w);
        if (out.logs(LogLevel.DEBUG)) {
            out.log(LogLevel.DEBUG, "Sending staged run " + run.id + " ahead to worker " + w.name());
        }
        out.startRun(run.id, payload(run), w.name(), run.assignment, run.attempts);
    }

    /**
     * A run sent ahead started on its worker (now, or before a reconnect reached us): it takes its assignment there
     * unless it already holds it ({@code held}), and from now on it is running.
     */
    void startedAhead(Run run, boolean held, long now) {
        Worker w = run.on;
        if (!held && !w.holdStarted(run, names)) {
            out.log(LogLevel.WARN, "Worker " + run.worker + " started run " + run.id + " beyond its free capacity");
        }
        run.ahead = false;
        runs.leftAhead();
        runs.startsRunning();
        run.startedAt = now;
        timeLimits.watch(run, now);
        workers.refresh(w);
        out.stateChanged(StateChange.started(run.id, run.worker, run.attempts, now, run.assignment, run.stagedAt));
    }

    /**
     * The worker gave back the copy it never started ({@code RunReturned}): staged again with that attempt uncounted,
     * or ended when a cancel or time limit waits for it.
     */
    void returned(Run run, long now) {
        WorkerId worker = run.worker;
        unhold(run);
        if (run.cancelRequested || run.timedOut) {
            finish(run, run.timedOut ? RunState.TIMEOUT : RunState.TERMINATED, null, null, now);
            return;
        }
        boolean wasAhead = run.ahead;
        leave(run);
        run.attempts--;
        run.passedOver = 0;
        enqueue(run);
        if (!wasAhead) { // a direct start the worker had queued and never started (it drains or stops)
            out.stateChanged(new StateChange(run.id, RunState.RUNNING, RunState.STAGED, worker, null, run.attempts,
                    now, null, "worker " + worker + " gave it back before it started"));
        }
        out.log(LogLevel.INFO, "Run " + run.id + " staged again: worker " + worker + " gave it back unstarted");
    }

    /** {@code run} is no longer running or sent ahead: counted out of the one it was. */
    private void leave(Run run) {
        if (run.ahead) {
            run.ahead = false;
            runs.leftAhead();
        } else {
            runs.stopsRunning();
        }
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

    /**
     * A running run stops holding anything: its worker gets its resources back (or its place in the worker's queue,
     * for a run sent ahead), or the ledger forgets it.
     */
    void unhold(Run run) {
        Worker w = run.on;
        if (w == null) {
            ledger.drop(run);
            return;
        }
        if (run.ahead) {
            w.ahead.remove(run.id);
            run.on = null;
        } else {
            w.give(run, names);
        }
        workers.refresh(w);
    }

    void finish(Run run, RunState to, Integer exitCode, String reason, long now) {
        RunState from = run.ahead ? RunState.STAGED : run.state; // a run sent ahead never left staged for the store
        if (run.state == RunState.RUNNING) {
            leave(run);
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
        RunState from = run.ahead ? RunState.STAGED : RunState.RUNNING;
        run.retried++;
        run.tryBase = run.attempts;
        leave(run);
        run.passedOver = 0;
        enqueue(run);
        String why = (exitCode != null ? "it exited with code " + exitCode : "it could not start: " + reason)
                + " (retry " + run.retried + " of " + run.retries + ")";
        out.stateChanged(new StateChange(run.id, from, RunState.STAGED, worker, exitCode, run.attempts,
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
        } else if (run.ahead) { // staged to the store all along: only the core takes it back
            leave(run);
            run.passedOver = 0;
            enqueue(run);
            out.log(LogLevel.INFO, "Run " + run.id + " staged again: it was sent ahead to " + worker + "; " + why);
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
