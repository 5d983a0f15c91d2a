package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pure decision core: workers, runs and resources, changed only by the event methods, answering only through the
 * {@link Outbox}. Time is passed in; nothing here reads a clock, blocks, or touches a socket or file. Not thread-safe:
 * one event loop owns it.
 *
 * <p><b>Dispatch.</b> Each run takes one slot plus the amounts it names, all on one worker, never beyond the worker's
 * capacity. After every event that can free or add capacity or runs (or, once {@link #deferDispatch} was called, once
 * per batch of events: the event loop's turn), the core visits the shapes (distinct requirement
 * sets) in the staging order of their first waiting run: while a shape's head fits a worker with free capacity it
 * starts there (the earliest-joined such worker, which packs workers and keeps whole ones free for big runs). A
 * shape whose head fits nowhere is skipped for the rest of the round, so a later run starts before an earlier one only
 * when the earlier one does not fit anywhere. Each shape keeps the set of workers it fits right now, updated on every
 * change of a worker, so a decision costs O(shapes x log workers), never a scan of workers x runs.
 *
 * <p><b>Anti-starvation.</b> A run waiting at the head of its shape counts the later-staged runs that start while it
 * waits. After {@link CoreConfig#starvationPasses()} of them it reserves one worker whose total capacity fits it, the
 * one with the fewest runs (so the one likely to free up first): nothing else starts there, and as soon as the
 * worker's running runs have released enough, the reserved run starts (or earlier elsewhere, which drops the
 * reservation). So a big run is passed over a bounded number of times and then waits at most for the runs already on
 * one worker.
 *
 * <p><b>Runs that cannot start.</b> A run naming a resource that no connected worker and no declared cluster resource
 * defines, or asking more than any worker taking runs offers, stays staged, does not hold up others, and is logged once;
 * {@link #waitReason} tells why.
 *
 * <p><b>Lost workers and reconnects.</b> A disconnected worker's runs stay running, owned by its name, for its lease
 * plus {@link CoreConfig#leaseMarginMillis()} (at least {@link CoreConfig#reconnectGraceMillis()}): a worker that has
 * not heard from the scheduler for its lease kills its runs itself, so when that time has passed no copy of them is
 * left there. If it re-registers in time the runs it still holds carry on, runs it no longer holds are re-staged, and
 * runs it holds that are not its own are cancelled there. When the time passes (a {@link #tick}), a batch worker is
 * fenced first ({@link Outbox#fenceWorker}: its job is cancelled), then its runs go back to staged, until a run has been
 * started {@link CoreConfig#maxAttempts()} times; then it is {@code lost}. A restarted server restores running runs
 * the same way ({@link #restoreRunning}).
 *
 * <p><b>Attempts.</b> Every start of a run is numbered; the worker echoes the number in its reports. A report about
 * an attempt that is not the run's current one, or from a worker that no longer has the run, changes nothing: it goes
 * to the run's history ({@link Outbox#superseded}), so a result is never counted twice.
 *
 * <p><b>Run policies</b> ({@link RunPolicy}). <i>Priority:</i> a shape's queue and the order of shapes go by priority
 * first (higher first), then staging order, so all of the above reads "ranked" for "staged". A run is passed over
 * only by runs ranked after it (a lower priority, or the same staged later): runs of a higher priority are simply
 * ahead of it, so a low-priority big run reserves a worker after {@link CoreConfig#starvationPasses()} starts of runs
 * ranked after it, and once it holds a reservation no other run starts there, whatever its priority. <i>Time
 * limit:</i> an attempt running longer is killed as a cancel kills it, and the run ends {@code timeout} with the exit
 * code reported, if any; {@link #nextDeadline} tells the owner when to {@link #tick} next. <i>Attempts:</i> the
 * run's own limit of starts ended by lost workers replaces {@link CoreConfig#maxAttempts()}. <i>Retries:</i> a run
 * ending in error is staged again as a new attempt while it has retries left; each retry starts a new count of
 * attempts. <i>Dependencies:</i> a run waits, staged but in no queue, until every run it names has completed; when one
 * ends otherwise it ends {@code terminated} with the reason {@code dependency 12 ended error}. A dependency not known
 * here has ended: the owner says how ({@link Outbox#endedState}).
 *
 * <p>Per-worker accounting lives in {@link Worker}, which shapes fit which workers in {@link ShapeIndex}, the runs of
 * absent workers in {@link ReconnectLedger}, and why a run waits in {@link WaitReasons}.
 *
 * <p>Finished runs leave the core (the store keeps them); staging order is the order runs are handed in.
 *
 * @param <P> what the owner hands in with each run and gets back in {@link Outbox#startRun} (the server: the run's spec)
 */
public final class SchedulerCore<P> {
    private static final Comparator<Shape> BY_HEAD = Comparator.comparingLong(s -> s.queue.firstKey());

    /** The error of a worker's answer to a cancel of a run it does not hold (the worker's WorkerAgent.NOT_HELD). */
    public static final String NOT_HELD_ERROR = "not running on this worker";

    private final CoreConfig config;
    private final Outbox<P> out;
    private final ResourceNames names = new ResourceNames();
    /** Staged (queued or waiting for dependencies) and running runs; a run leaves when it ends. */
    private final Map<RunId, Run> runs = new HashMap<>();
    private final ShapeIndex shapes = new ShapeIndex(names);
    private final StagedRuns staged = new StagedRuns(shapes);
    private final WaitReasons reasons;
    private final WorkerPool workers;
    private final Reservations reservations;
    private final ReconnectLedger ledger = new ReconnectLedger();
    private final TimeLimits timeLimits = new TimeLimits(runs);
    private final Dependencies dependencies;
    private long nextSeq;
    private int runningCount;
    private boolean processing;
    /** Events only mark dispatch as due; the owner calls {@link #dispatchPending} once per batch of events. */
    private boolean deferred;
    private boolean dispatchDue;

    public SchedulerCore(CoreConfig config, Outbox<P> out) {
        this.config = config;
        this.out = out;
        this.reasons = new WaitReasons(config.declaredResources());
        this.workers = new WorkerPool(names, shapes, reasons);
        this.reservations = new Reservations(workers, config.starvationPasses(), out);
        this.dependencies = new Dependencies(runs, new Dependencies.Outcome() {
            @Override
            public void ready(Run run, long now) {
                enqueue(run);
                dispatchSoon(now);
            }

            @Override
            public void cancelled(Run run, String reason, long now) {
                out.log(LogLevel.WARN, "Run " + run.id + " cancelled: " + reason);
                finish(run, RunState.TERMINATED, null, reason, now);
            }
        });
    }

    /**
     * From now on an event does not dispatch by itself; it marks dispatch as due, and {@link #dispatchPending} (called by
     * the owner after each batch of events, as an event loop does once per turn) dispatches once for all of them. The
     * decisions are the same as with a dispatch after every event, taken fewer times.
     */
    public void deferDispatch() {
        deferred = true;
    }

    /** Dispatches if some event since the last dispatch asked for it. */
    public void dispatchPending(long now) {
        if (dispatchDue) {
            dispatchDue = false;
            dispatch(now);
        }
    }

    /** After an event that can free or add capacity or runs: dispatch now, or once at the end of the batch. */
    private void dispatchSoon(long now) {
        if (deferred) {
            dispatchDue = true;
        } else {
            dispatch(now);
        }
    }

    // ---------------------------------------------------------------- events

    /** The scheduler starts: tells the story's first lines. Call once, after any restore. */
    public void start(long now) {
        out.log(LogLevel.INFO, "Starting scheduler");
        if (!config.declaredResources().isEmpty()) {
            StringBuilder b = new StringBuilder();
            config.declaredResources().forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
            out.log(LogLevel.INFO, "Cluster resources: " + b);
        }
        if (staged.count() == 0) {
            out.log(LogLevel.INFO, "Waiting for staged runs");
        }
        dispatchSoon(now);
    }

    /** Runs newly staged (already durable), in staging order. No state change is emitted: the store wrote them. */
    public void runsStaged(List<NewRun<P>> staged, long now) {
        for (NewRun<P> r : staged) {
            addStaged(r, 0, 0, 0, now, now);
        }
        dispatchSoon(now);
    }

    public void runStaged(NewRun<P> run, long now) {
        runsStaged(List.of(run), now);
    }

    /** A staged run from the store of an earlier server. Call {@link #start} (or any event) afterwards to dispatch. */
    public void restoreStaged(NewRun<P> r, int attempts, long stagedAt) {
        restoreStaged(r, attempts, 0, 0, stagedAt);
    }

    /** As above, with the automatic retries it used and the attempts before its current try. */
    public void restoreStaged(NewRun<P> r, int attempts, int retried, int tryBase, long stagedAt) {
        addStaged(r, attempts, retried, tryBase, stagedAt, stagedAt);
    }

    /**
     * A finished run staged again by its owner ({@code hpc-dask retry}): a new try of the same run, after the
     * {@code attempts} it had, with its retries and attempts counted afresh. It was {@code from} (a final state).
     */
    public void retryRun(NewRun<P> r, RunState from, int attempts, long now) {
        requireNew(r.id());
        Run run = new Run(r.id(), nextSeq++, normalize(r.requires()), r.payload(), now, r.policy());
        run.attempts = attempts;
        run.tryBase = attempts;
        runs.put(run.id, run);
        run.state = RunState.STAGED;
        out.stateChanged(new StateChange(run.id, from, RunState.STAGED, null, null, attempts, now, null,
                "retried by user", 0, attempts));
        out.log(LogLevel.INFO, "Run " + run.id + " staged again by a retry (it was " + from.label() + " after "
                + attempts + " attempt(s))");
        admit(run, r.policy(), now);
        dispatchSoon(now);
    }

    /**
     * A run that was running on {@code worker} when an earlier server stopped. It stays running until the worker
     * re-registers holding it, or is re-staged when {@code deadline} passes without that.
     */
    public void restoreRunning(NewRun<P> r, int attempts, long stagedAt, WorkerId worker, Assignment assignment,
                               long startedAt, long deadline) {
        restoreRunning(r, attempts, 0, 0, stagedAt, worker, assignment, startedAt, deadline);
    }

    /** As above, with the automatic retries it used and the attempts before its current try. */
    public void restoreRunning(NewRun<P> r, int attempts, int retried, int tryBase, long stagedAt, WorkerId worker,
                               Assignment assignment, long startedAt, long deadline) {
        requireNew(r.id());
        Run run = new Run(r.id(), nextSeq++, normalize(r.requires()), r.payload(), stagedAt, r.policy());
        run.state = RunState.RUNNING;
        run.attempts = attempts;
        run.retried = retried;
        run.tryBase = tryBase;
        timeLimits.watch(run, startedAt);
        run.worker = worker;
        run.assignment = assignment;
        run.startedAt = startedAt;
        runs.put(run.id, run);
        runningCount++;
        ledger.restore(worker, run, deadline);
    }

    /**
     * A worker registered. {@code heldRuns} are the runs it still has from before a reconnect (empty for a new one).
     * A worker re-registering under a name already connected replaces that connection.
     */
    public void workerJoined(WorkerSpec spec, List<RunId> heldRuns, long now) {
        workerJoined(spec, heldRuns, Map.of(), now);
    }

    /** As above; {@code heldAttempts} gives the attempt of each held run the worker named one for. */
    public void workerJoined(WorkerSpec spec, List<RunId> heldRuns, Map<RunId, Integer> heldAttempts, long now) {
        Worker old = workers.get(spec.name());
        if (old != null) {
            out.log(LogLevel.INFO, "Worker " + spec.name() + " re-registered; reconciling its runs");
            detach(old, now);
        }
        Worker w = workers.join(spec);
        out.log(LogLevel.INFO, "Worker " + w.name() + " joined from " + spec.host()
                + (spec.jobId() == null || spec.jobId().isEmpty() ? "" : " (job " + spec.jobId() + ")")
                + ": " + DaskTags.format(w.capacityMap(names)) + " slots=" + w.slots
                + (w.gpuIds.isEmpty() ? "" : " gpu ids " + String.join(",", w.gpuIds)));
        reconcile(w, heldRuns == null ? List.of() : heldRuns, heldAttempts == null ? Map.of() : heldAttempts, now);
        dispatchSoon(now);
    }

    /** The worker's connection closed or went silent. Its runs wait for it to re-register (see class comment). */
    public void workerLost(WorkerId name, String reason, long now) {
        Worker w = workers.get(name);
        if (w == null) {
            return;
        }
        out.log(LogLevel.WARN, "Worker " + name + " lost (" + reason + ")");
        detach(w, now);
        tick(now);
    }

    /** The worker said it takes no new runs (its lifetime ends soon, or it was told to drain). */
    public void workerDraining(WorkerId name, String reason, long now) {
        Worker w = workers.get(name);
        if (w == null || w.draining) {
            return;
        }
        workers.stopTakingRuns(w);
        if (w.reservedFor != null) {
            reservations.release(w.reservedFor);
        }
        workers.refresh(w);
        out.log(LogLevel.INFO, "Worker " + name + " is draining (" + reason + ")");
        dispatchSoon(now);
    }

    /** Ask a worker to drain: it takes no new runs and exits when its last one ends. */
    public void drainWorker(WorkerId name, String reason, long now) {
        if (workers.get(name) != null) {
            out.drainWorker(name, reason);
            workerDraining(name, reason, now);
        }
    }

    /** The worker confirmed it started the run's process. Only checked: the run has been running since dispatch. */
    public void runStarted(RunId id, WorkerId worker, long now) {
        runStarted(id, worker, 0, now);
    }

    public void runStarted(RunId id, WorkerId worker, int attempt, long now) {
        Run run = runs.get(id);
        if (run == null || run.state != RunState.RUNNING || !worker.equals(run.worker)
                || (attempt > 0 && attempt != run.attempts)) {
            out.log(LogLevel.WARN, "Worker " + worker + " reports run " + id + " started, but it is not assigned there");
        }
    }

    /**
     * The run's process ended on {@code worker}: completed (exit 0), error (exit > 0, or {@code error} when it could
     * not start), or terminated (killed by a signal or cancelled). Reports for runs not running there are ignored.
     */
    public void runFinished(RunId id, WorkerId worker, int exitCode, boolean terminated, String error, long now) {
        runFinished(id, worker, 0, exitCode, terminated, error, false, now);
    }

    /**
     * As above for the copy of {@code attempt} (0: unknown, taken as the current one). {@code abandoned}: the worker
     * killed it because its lease ran out; the run goes back to staged. A report about a copy that is not the current
     * one is only recorded in the run's history.
     */
    public void runFinished(RunId id, WorkerId worker, int attempt, int exitCode, boolean terminated, String error,
                            boolean abandoned, long now) {
        Run run = runs.get(id);
        if (run == null || run.state != RunState.RUNNING || !worker.equals(run.worker)
                || (attempt > 0 && attempt != run.attempts)) {
            if (NOT_HELD_ERROR.equals(error)) {
                return; // the answer to a cancel of a copy the worker no longer had: nothing ran
            }
            String outcome = abandoned ? "abandoned" : error != null ? "error" : terminated ? "terminated"
                    : exitCode == 0 ? "completed" : "error";
            out.log(LogLevel.WARN, "Ignoring end of run " + id + (attempt > 0 ? " attempt " + attempt : "")
                    + " reported by worker " + worker + " (" + outcome + "): "
                    + (run == null ? "the run has already ended" : "that copy is not the current one"
                    + (run.state == RunState.RUNNING ? " (attempt " + run.attempts + " on worker " + run.worker + ")" : ""))
                    + "; kept in its history");
            out.superseded(id, worker, attempt, outcome, error != null || abandoned ? null : exitCode, now);
            return;
        }
        unhold(run);
        if (run.timedOut) {
            finish(run, RunState.TIMEOUT, error != null || abandoned ? null : exitCode, null, now);
            dispatchSoon(now);
            return;
        }
        if (abandoned && !run.cancelRequested) {
            requeue(run, "worker " + worker + " killed it when its lease ran out", now);
            dispatchSoon(now);
            return;
        }
        if (error != null && run.cancelRequested) {
            // the worker did not hold it (it never arrived there, or ended just before the cancel): it ends here
            finish(run, RunState.TERMINATED, null, null, now);
            dispatchSoon(now);
            return;
        }
        if (error != null) {
            out.log(LogLevel.WARN, "Run " + id + " could not start: " + error);
        }
        RunState to = terminated || run.cancelRequested ? RunState.TERMINATED
                : exitCode == 0 && error == null ? RunState.COMPLETED : RunState.ERROR;
        if (to == RunState.ERROR) {
            failed(run, error == null ? exitCode : null, error, now);
        } else {
            finish(run, to, exitCode, null, now);
        }
        dispatchSoon(now);
    }

    /**
     * The server could not hand run {@code id} to {@code worker} (its log could not be created, or the worker's
     * connection is gone): it ends in error with {@code reason}, its resources go back, and dispatch goes on. A run
     * that was cancelled meanwhile ends terminated. Ignored unless the run is running there.
     */
    public void startFailed(RunId id, WorkerId worker, String reason, long now) {
        Run run = runs.get(id);
        if (run == null || run.state != RunState.RUNNING || !worker.equals(run.worker)) {
            return;
        }
        unhold(run);
        if (run.cancelRequested) {
            finish(run, RunState.TERMINATED, null, null, now);
        } else {
            out.log(LogLevel.WARN, "Run " + id + " failed: " + reason);
            failed(run, null, reason, now);
        }
        dispatchSoon(now);
    }

    /**
     * Cancel a staged run (terminated at once) or a running one (the worker is told; it ends terminated when the worker
     * reports it). Returns false for unknown or finished runs.
     */
    public boolean cancelRun(RunId id, long now) {
        Run run = runs.get(id);
        if (run == null) {
            return false;
        }
        if (run.waitingFor != null) {
            dependencies.cancel(run);
            finish(run, RunState.TERMINATED, null, null, now);
        } else if (run.state == RunState.STAGED) {
            unstage(run);
            finish(run, RunState.TERMINATED, null, null, now);
            dispatchSoon(now);
        } else if (run.on == null) {
            ledger.drop(run);
            finish(run, RunState.TERMINATED, null, null, now);
        } else if (!run.cancelRequested) {
            run.cancelRequested = true;
            out.log(LogLevel.INFO, "Cancelling run " + id + " on worker " + run.worker);
            out.cancelRun(id, run.worker, run.attempts);
        }
        return true;
    }

    /**
     * Time passes: runs of workers that did not re-register within their grace go back to staged, and a worker whose
     * end time has come takes no new runs (it drains itself before then; this covers a lost Draining message).
     */
    public void tick(long now) {
        timeLimits.killOverdue(now, out);
        for (WorkerId name : workers.pastEndTime(now)) {
            workerDraining(name, "its lifetime has ended", now);
        }
        for (ReconnectLedger.Absent o : ledger.expire(now)) {
            WorkerId name = o.worker;
            if (o.jobId != null && !o.jobId.isEmpty() && workers.get(name) == null) {
                out.fenceWorker(name, o.jobId); // scaling cancels a batch job (and logs it); local workers have none
            }
            for (Run run : o.runs.values()) {
                requeue(run, "worker " + name + " did not come back within its lease", now);
            }
        }
        dispatchSoon(now);
    }

    /**
     * The scheduler stops; with {@code stopWorkers} every worker is told to kill its runs and exit, and every running
     * run is recorded {@code terminated} (reason {@code cluster stopped}) before the store closes.
     */
    public void shutdown(boolean stopWorkers, long now) {
        if (stopWorkers) {
            for (WorkerId name : workers.names()) {
                out.stopWorker(name, "scheduler stopping");
            }
            List<Run> running = new ArrayList<>();
            for (Run run : runs.values()) {
                if (run.state == RunState.RUNNING) {
                    running.add(run);
                }
            }
            running.sort(Comparator.comparingLong(r -> r.seq));
            for (Run run : running) {
                unhold(run);
                finish(run, RunState.TERMINATED, null, "cluster stopped", now);
            }
        }
        out.log(LogLevel.INFO, "Stopping scheduler");
    }

    // ---------------------------------------------------------------- queries

    public Optional<CoreRun> run(RunId id) {
        Run run = runs.get(id);
        return run == null ? Optional.empty() : Optional.of(view(run));
    }

    /** Staged and running runs in staging order (finished runs are only in the store). */
    public List<CoreRun> activeRuns() {
        List<Run> all = new ArrayList<>(runs.values());
        all.sort(Comparator.comparingLong(r -> r.seq));
        List<CoreRun> views = new ArrayList<>(all.size());
        for (Run r : all) {
            views.add(view(r));
        }
        return views;
    }

    /** Why a staged run has not started, or null when it is not staged. */
    public String waitReason(RunId id) {
        Run run = runs.get(id);
        return run == null ? null : waitReason(run);
    }

    public List<CoreWorker> workers() {
        return workers.views();
    }

    public int workerCount() {
        return workers.size();
    }

    /** Staged runs that may start now (in a queue); runs waiting for their dependencies are not counted. */
    public int stagedCount() {
        return staged.count();
    }

    /**
     * When the longest-queued staged run was staged ({@link Long#MAX_VALUE} when none is queued): per shape, the first
     * run of each priority level is the oldest of that level, so this costs O(shapes x priority levels x log runs).
     */
    public long oldestQueuedAt() {
        return staged.oldestQueuedAt();
    }

    /** Staged runs waiting for runs they depend on to complete. */
    public int waitingCount() {
        return dependencies.waitingCount();
    }

    /**
     * When the earliest time limit of a running attempt passes ({@link Long#MAX_VALUE} when none): the owner calls
     * {@link #tick} then, so a run is killed at its limit, not at the next regular tick.
     */
    public long nextDeadline() {
        return timeLimits.next();
    }

    public int runningCount() {
        return runningCount;
    }

    /**
     * How many runs are staged per requirements (a run asking for nothing has the empty map): demand for workers. An
     * unmodifiable map, the same instance until a queue changes, so reading it after every batch costs nothing.
     */
    public Map<Map<String, Long>, Integer> stagedByShape() {
        return staged.byShape();
    }

    /** Whether some staged run fits the total capacity of a connected worker taking runs (so it will start). */
    public boolean anyStagedCanStart() {
        return shapes.anyCandidates();
    }

    /** For {@code --run-once}: nothing staged can start and nothing runs, so waiting longer changes nothing. */
    public boolean nothingToDo() {
        return runningCount == 0 && !anyStagedCanStart();
    }

    // ---------------------------------------------------------------- dispatch

    private void dispatch(long now) {
        if (staged.count() > 0 && !processing) {
            processing = true;
            out.log(LogLevel.INFO, "Processing staged runs");
        }
        if (staged.count() > 0 && !workers.isEmpty()) {
            PriorityQueue<Shape> order = new PriorityQueue<>(Math.max(1, shapes.size()), BY_HEAD);
            order.addAll(shapes.all());
            List<Shape> blocked = new ArrayList<>();
            Shape s;
            while ((s = order.poll()) != null) {
                Run head = s.head();
                Worker w = pick(s, head);
                if (w == null) {
                    blocked(s, head);
                    blocked.add(s);
                    continue;
                }
                boolean wasReserved = head.reserved == w;
                start(head, s, w, now);
                for (Shape b : blocked) {
                    reservations.passedOver(b);
                }
                if (wasReserved && !blocked.isEmpty()) {
                    // the worker kept free is open again: shapes ranked before this one may fit there now
                    order.addAll(blocked);
                    blocked.clear();
                }
                if (!s.queue.isEmpty()) {
                    order.add(s);
                }
            }
        }
        if (staged.count() == 0 && processing) {
            processing = false;
            out.log(LogLevel.INFO, "Waiting for staged runs");
        }
    }

    private Worker pick(Shape s, Run head) {
        if (!s.fitsNow.isEmpty()) {
            return s.fitsNow.first();
        }
        Worker r = head.reserved;
        return r != null && s.fitsFree(r) ? r : null;
    }

    private void start(Run run, Shape s, Worker w, long now) {
        staged.remove(s, run);
        reservations.release(run);
        run.assignment = w.take(run, s, names);
        List<String> gpus = run.assignment.gpuIds();
        run.state = RunState.RUNNING;
        run.attempts++;
        run.worker = w.name();
        run.startedAt = now;
        run.passedOver = 0;
        runningCount++;
        timeLimits.watch(run, now);
        workers.refresh(w);
        out.stateChanged(StateChange.started(run.id, w.name(), run.attempts, now, run.assignment, run.stagedAt));
        if (out.logs(LogLevel.DEBUG)) { // every run: its start is in the store, the line only for who asks
            out.log(LogLevel.DEBUG, "Starting staged run " + run.id
                    + (run.requires.isEmpty() ? "" : " (requires " + s.label + ")")
                    + " on worker " + w.name() + (gpus.isEmpty() ? "" : " with gpu " + String.join(",", gpus)));
        }
        out.startRun(run.id, payload(run), w.name(), run.assignment, run.attempts);
    }

    /** The head of {@code s} fits no worker now; if it fits none at all, its runs are reported once each. */
    private void blocked(Shape s, Run head) {
        if (s.candidates > 0 || workers.accepting() == 0 || s.reportedThrough >= s.queue.lastKey()) {
            return;
        }
        for (Run run : s.queue.tailMap(s.reportedThrough, false).values()) {
            if (!run.reasonLogged) {
                run.reasonLogged = true;
                out.log(LogLevel.WARN, reasons.blockedLine(run, s, workers.accepting()));
            }
        }
        s.reportedThrough = s.queue.lastKey();
    }

    // ---------------------------------------------------------------- run bookkeeping

    private void addStaged(NewRun<P> r, int attempts, int retried, int tryBase, long stagedAt, long now) {
        requireNew(r.id());
        Run run = new Run(r.id(), nextSeq++, normalize(r.requires()), r.payload(), stagedAt, r.policy());
        run.attempts = attempts;
        run.retried = retried;
        run.tryBase = tryBase;
        runs.put(run.id, run);
        run.state = RunState.STAGED;
        admit(run, r.policy(), now);
    }

    /** A staged run joins its queue, or waits for its dependencies, or ends because one of them failed. */
    private void admit(Run run, RunPolicy policy, long now) {
        String failedDependency = dependencies.waitFor(run, policy.after(), out);
        if (failedDependency != null) {
            out.log(LogLevel.WARN, "Run " + run.id + " cancelled: " + failedDependency);
            finish(run, RunState.TERMINATED, null, failedDependency, now);
        } else if (run.waitingFor == null) {
            enqueue(run);
        }
    }

    /** A run ended in error: staged again as a new try while it has retries left, else it ends {@code error}. */
    private void failed(Run run, Integer exitCode, String reason, long now) {
        if (run.retried >= run.retries) {
            finish(run, RunState.ERROR, exitCode, reason, now);
            return;
        }
        WorkerId worker = run.worker;
        run.retried++;
        run.tryBase = run.attempts;
        runningCount--;
        run.passedOver = 0;
        enqueue(run);
        String why = (exitCode != null ? "it exited with code " + exitCode : "it could not start: " + reason)
                + " (retry " + run.retried + " of " + run.retries + ")";
        out.stateChanged(new StateChange(run.id, RunState.RUNNING, RunState.STAGED, worker, exitCode, run.attempts,
                now, null, why, run.retried, run.tryBase));
        out.log(LogLevel.WARN, "Run " + run.id + " re-staged: " + why);
    }

    private int maxAttempts(Run run) {
        return run.maxAttempts > 0 ? run.maxAttempts : config.maxAttempts();
    }

    private void requireNew(RunId id) {
        if (runs.containsKey(id)) {
            throw new IllegalStateException("run " + id + " is already known to the scheduler");
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

    private void unstage(Run run) {
        staged.remove(run);
        reservations.release(run);
    }

    private void finish(Run run, RunState to, Integer exitCode, String reason, long now) {
        RunState from = run.state;
        if (from == RunState.RUNNING) {
            runningCount--;
        }
        runs.remove(run.id);
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

    /** A running run whose worker is gone (its resources already released) goes back to staged, or ends. */
    private void requeue(Run run, String why, long now) {
        WorkerId worker = run.worker;
        if (run.timedOut) {
            finish(run, RunState.TIMEOUT, null, null, now);
        } else if (run.cancelRequested) {
            finish(run, RunState.TERMINATED, null, null, now);
        } else if (run.attempts - run.tryBase >= maxAttempts(run)) {
            finish(run, RunState.LOST, null, null, now);
        } else {
            runningCount--;
            run.passedOver = 0;
            enqueue(run);
            out.stateChanged(new StateChange(run.id, RunState.RUNNING, RunState.STAGED, worker, null, run.attempts,
                    now, null));
            out.log(LogLevel.WARN, "Run " + run.id + " re-staged: " + why + " (attempt " + (run.attempts - run.tryBase)
                    + " of " + maxAttempts(run) + ")");
        }
    }

    /** A running run stops holding anything: its worker gets its resources back, or the ledger forgets it. */
    private void unhold(Run run) {
        Worker w = run.on;
        if (w == null) {
            ledger.drop(run);
            return;
        }
        w.give(run, names);
        workers.refresh(w);
    }

    // ---------------------------------------------------------------- workers

    /** Removes a worker; its runs wait for it under its name for the reconnect grace (or go back at once). */
    private void detach(Worker w, long now) {
        workers.remove(w);
        if (w.reservedFor != null) {
            reservations.release(w.reservedFor);
        }
        List<Run> held = new ArrayList<>(w.runs.values());
        w.runs.clear();
        for (Run run : held) {
            run.on = null;
        }
        long wait = Math.max(config.reconnectGraceMillis(),
                w.spec.leaseMillis() > 0 ? w.spec.leaseMillis() + config.leaseMarginMillis() : 0);
        ledger.left(w.name(), w.spec.jobId(), held, now + wait);
    }

    /** A (re-)registered worker: take back the runs it still holds, re-stage those it lost, cancel strangers. */
    private void reconcile(Worker w, List<RunId> held, Map<RunId, Integer> attempts, long now) {
        Set<RunId> holds = new HashSet<>(held);
        ReconnectLedger.Absent o = ledger.claim(w.name());
        if (o != null) {
            for (Run run : o.runs.values()) {
                Integer heldAttempt = attempts.get(run.id);
                boolean isHeld = holds.contains(run.id) && (heldAttempt == null || heldAttempt == 0
                        || heldAttempt == run.attempts);
                if (isHeld) {
                    holds.remove(run.id);
                }
                if (isHeld && adopt(w, run)) {
                    out.log(LogLevel.INFO, "Run " + run.id + " continues on worker " + w.name());
                    if (run.cancelRequested || run.timedOut) {
                        out.cancelRun(run.id, w.name(), run.attempts);
                    }
                } else {
                    if (isHeld) { // it no longer fits there (the worker came back smaller): stop that copy
                        out.cancelRun(run.id, w.name(), run.attempts);
                    }
                    requeue(run, "worker " + w.name() + " came back without it", now);
                }
            }
        }
        for (RunId id : holds) {
            Run run = runs.get(id);
            Integer heldAttempt = attempts.get(id);
            if (run != null && heldAttempt != null && resumeUnrecorded(w, run, heldAttempt, now)) {
                continue;
            }
            out.log(LogLevel.WARN, "Worker " + w.name() + " holds run " + id
                    + (heldAttempt == null || heldAttempt == 0 ? "" : " (attempt " + heldAttempt + ")")
                    + ", which is not assigned to it; cancelling it there");
            // the copy held there is older than any current one: a cancel of the current attempt covers it
            out.cancelRun(id, w.name(), run != null ? Math.max(run.attempts, heldAttempt == null ? 0 : heldAttempt)
                    : heldAttempt == null ? 0 : heldAttempt);
        }
    }

    /**
     * A worker holds a later attempt of a run that is staged here: the store had not yet committed that start when the
     * previous server stopped (state changes are written behind). The copy there is the only one, so it carries on
     * under its attempt rather than being cancelled and started again. Not for gpu runs: which device ids the copy
     * holds is not known here. False when it cannot be taken back (then it is cancelled there as any stranger).
     */
    private boolean resumeUnrecorded(Worker w, Run run, int heldAttempt, long now) {
        Shape s = shapes.get(run.requires);
        if (run.state != RunState.STAGED || heldAttempt <= run.attempts || run.requires.containsKey(ResourceNames.GPU)
                || run.cancelRequested || !w.acceptsRuns() || w.reservedFor != null && w.reservedFor != run
                || s == null || !s.fitsFree(w)) {
            return false;
        }
        unstage(run);
        run.assignment = w.take(run, s, names);
        run.state = RunState.RUNNING;
        run.attempts = heldAttempt;
        run.worker = w.name();
        run.startedAt = now;
        run.passedOver = 0;
        runningCount++;
        timeLimits.watch(run, now);
        workers.refresh(w);
        out.stateChanged(new StateChange(run.id, RunState.STAGED, RunState.RUNNING, w.name(), null, run.attempts, now,
                run.assignment));
        out.log(LogLevel.INFO, "Run " + run.id + " continues on worker " + w.name() + " (attempt " + heldAttempt
                + ", whose start was not recorded before the scheduler restarted)");
        return true;
    }

    private boolean adopt(Worker w, Run run) {
        if (!w.adopt(run, names)) {
            return false;
        }
        workers.refresh(w);
        return true;
    }

    // ---------------------------------------------------------------- helpers

    private Map<String, Long> normalize(Map<String, Long> requires) {
        Map<String, Long> m = new TreeMap<>();
        requires.forEach((k, v) -> {
            if (v != null && v > 0) {
                m.put(k, v);
            }
        });
        return shapes.intern(m);
    }

    /** Every payload was handed in as a {@code P} (see {@link Run#payload}). */
    @SuppressWarnings("unchecked")
    private P payload(Run run) {
        return (P) run.payload;
    }

    private String waitReason(Run run) {
        return reasons.of(run, shapes.get(run.requires), workers.accepting());
    }

    private CoreRun view(Run r) {
        return new CoreRun(r.id, r.state, r.requires, r.worker, r.attempts, r.stagedAt, r.startedAt, r.assignment,
                waitReason(r));
    }
}
