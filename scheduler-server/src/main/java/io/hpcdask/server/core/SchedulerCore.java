package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p><b>Runs sent ahead</b> ({@link CoreConfig#aheadPerSlot()}, {@link AheadRuns}). A run that can start on no
 * worker now may be sent to a busy one that fits it, which queues it and starts it itself the moment its own capacity
 * frees, so a freed slot waits for no round trip. Such a run holds nothing on its worker until the worker reports it
 * started ({@link #runStarted}, which takes its assignment there and makes it running, {@code startedAt} then); until
 * then it is staged to the owner (no state change is told) and counted in {@link #aheadCount}. A worker holding runs
 * ahead gets no direct start, so a run it starts from its queue never finds its slot taken. Inside the core the run
 * is in state running, so a lost worker, a cancel and the worker's reports treat it as a run that may have started,
 * which it may have: a lost worker's runs ahead wait in the ledger with its running ones; one it re-registers holding
 * started there, one it comes back without never did and is staged again uncounted; a drained or stopped worker gives
 * its queue back ({@link #runReturned}), staged again at once, uncounted. How many a worker may hold is fixed per slot
 * or, adaptive, follows how fast it got through its recent runs (the times of their ends, {@link RunPace}).
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
 * <p><b>Where each part lives.</b> This class takes the events and answers the queries; the concepts live in their
 * own classes: a worker's take/give accounting in {@link Worker}, the connected workers in {@link WorkerPool}, which
 * shapes fit which workers in {@link ShapeIndex}, the queued runs and the demand by shape in {@link StagedRuns}, the
 * runs by id in {@link RunTable}, every state change a run goes through (and its {@link Outbox#stateChanged}) in
 * {@link Transitions}, the dispatch pass in {@link Dispatcher}, reservations in {@link Reservations}, reconnects in
 * {@link Reconnects} (the runs of absent workers in {@link ReconnectLedger}), time limits in {@link TimeLimits},
 * dependencies in {@link Dependencies}, and why a run waits in {@link WaitReasons}.
 *
 * <p>Finished runs leave the core (the store keeps them); staging order is the order runs are handed in.
 *
 * @param <P> what the owner hands in with each run and gets back in {@link Outbox#startRun} (the server: the run's spec)
 */
public final class SchedulerCore<P> {
    /** The error of a worker's answer to a cancel of a run it does not hold (the worker's WorkerAgent.NOT_HELD). */
    public static final String NOT_HELD_ERROR = "not running on this worker";

    private final CoreConfig config;
    private final Outbox<P> out;
    private final ResourceNames names = new ResourceNames();
    private final RunTable runs = new RunTable();
    private final ShapeIndex shapes = new ShapeIndex(names);
    private final StagedRuns staged = new StagedRuns(shapes);
    private final WaitReasons reasons;
    private final WorkerPool workers;
    private final Reservations reservations;
    private final TimeLimits timeLimits = new TimeLimits(runs.byId());
    private final Transitions<P> transitions;
    private final Dependencies dependencies;
    private final Reconnects reconnects;
    private final Dispatcher dispatcher;
    private final boolean sendsAhead;
    /** Events only mark dispatch as due; the owner calls {@link #dispatchPending} once per batch of events. */
    private boolean deferred;
    private boolean dispatchDue;

    public SchedulerCore(CoreConfig config, Outbox<P> out) {
        this.config = config;
        this.out = out;
        this.reasons = new WaitReasons(config.declaredResources());
        this.workers = new WorkerPool(names, shapes, reasons, new AheadRuns(config.aheadPerSlot()));
        this.sendsAhead = config.aheadPerSlot() != 0;
        this.reservations = new Reservations(workers, config.starvationPasses(), out);
        ReconnectLedger ledger = new ReconnectLedger();
        this.transitions = new Transitions<>(runs, staged, workers, reservations, ledger, timeLimits, names, config, out,
                this::dispatchSoon);
        this.dependencies = transitions.dependencies();
        this.reconnects = new Reconnects(workers, reservations, ledger, runs, shapes, transitions, names, config, out);
        this.dispatcher = new Dispatcher(shapes, staged, workers, reservations, reasons, transitions, out);
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
            dispatcher.dispatch(now);
        }
    }

    /** After an event that can free or add capacity or runs: dispatch now, or once at the end of the batch. */
    private void dispatchSoon(long now) {
        if (deferred) {
            dispatchDue = true;
        } else {
            dispatcher.dispatch(now);
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
        Run run = runs.add(r, normalize(r.requires()), now);
        run.attempts = attempts;
        run.tryBase = attempts;
        transitions.retried(run, from, r.policy(), attempts, now);
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
        Run run = runs.add(r, normalize(r.requires()), stagedAt);
        run.state = RunState.RUNNING;
        run.attempts = attempts;
        run.retried = retried;
        run.tryBase = tryBase;
        timeLimits.watch(run, startedAt);
        run.worker = worker;
        run.assignment = assignment;
        run.startedAt = startedAt;
        runs.startsRunning();
        reconnects.restore(worker, run, deadline);
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
        if (reconnects.fenced(spec.name())) {
            out.log(LogLevel.WARN, "Worker " + spec.name() + " registered again after it was fenced (its job "
                    + spec.jobId() + " was cancelled); telling it to stop");
            out.stopWorker(spec.name(), "this worker was fenced: its job was cancelled");
            return;
        }
        Worker old = workers.get(spec.name());
        if (old != null) {
            out.log(LogLevel.INFO, "Worker " + spec.name() + " re-registered; reconciling its runs");
            reconnects.detach(old, now);
        }
        Worker w = workers.join(spec);
        out.log(LogLevel.INFO, "Worker " + w.name() + " joined from " + spec.host()
                + (spec.jobId() == null || spec.jobId().isEmpty() ? "" : " (job " + spec.jobId() + ")")
                + ": " + DaskTags.format(w.capacityMap(names)) + " slots=" + w.slots
                + (w.gpuIds.isEmpty() ? "" : " gpu ids " + String.join(",", w.gpuIds)));
        reconnects.reconcile(w, heldRuns == null ? List.of() : heldRuns, heldAttempts == null ? Map.of() : heldAttempts, now);
        dispatchSoon(now);
    }

    /** The worker's connection closed or went silent. Its runs wait for it to re-register (see class comment). */
    public void workerLost(WorkerId name, String reason, long now) {
        Worker w = workers.get(name);
        if (w == null) {
            return;
        }
        out.log(LogLevel.WARN, "Worker " + name + " lost (" + reason + ")");
        reconnects.detach(w, now);
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
        } else if (run.ahead && run.on != null) {
            transitions.startedAhead(run, false, now);
            dispatchSoon(now); // its place in the worker's queue is free for the next
        }
    }

    /**
     * The worker gave back the copy of {@code attempt} it was sent and never started ({@code RunReturned}: it drains or
     * stops): staged again, that attempt uncounted, or ended {@code terminated} when a cancel waits for it. Ignored
     * unless that copy is the run's current one there.
     */
    public void runReturned(RunId id, WorkerId worker, int attempt, long now) {
        Run run = runs.get(id);
        if (run == null || run.state != RunState.RUNNING || !worker.equals(run.worker)
                || (attempt > 0 && attempt != run.attempts)) {
            return; // not the current copy: nothing ran, nothing changes
        }
        transitions.returned(run, now);
        dispatchSoon(now);
    }

    /** Whether runs are sent ahead to busy workers ({@link CoreConfig#aheadPerSlot()}); fixed for the core's life. */
    public boolean sendsAhead() {
        return sendsAhead;
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
        if (run.ahead && run.on != null && !(error != null && run.cancelRequested)) {
            transitions.startedAhead(run, false, now); // its end came without its start: it ran
        }
        if (run.on != null) {
            run.on.pace.ended(now, !run.on.ahead.isEmpty()); // before unhold, whose refresh reads the pace
        }
        transitions.unhold(run);
        if (run.timedOut) {
            transitions.finish(run, RunState.TIMEOUT, error != null || abandoned ? null : exitCode, null, now);
            dispatchSoon(now);
            return;
        }
        if (abandoned && !run.cancelRequested) {
            transitions.requeue(run, "worker " + worker + " killed it when its lease ran out", now);
            dispatchSoon(now);
            return;
        }
        if (error != null && run.cancelRequested) {
            // the worker did not hold it (it never arrived there, or ended just before the cancel): it ends here
            transitions.finish(run, RunState.TERMINATED, null, null, now);
            dispatchSoon(now);
            return;
        }
        if (error != null) {
            out.log(LogLevel.WARN, "Run " + id + " could not start: " + error);
        }
        RunState to = terminated || run.cancelRequested ? RunState.TERMINATED
                : exitCode == 0 && error == null ? RunState.COMPLETED : RunState.ERROR;
        if (to == RunState.ERROR) {
            transitions.failed(run, error == null ? exitCode : null, error, now);
        } else {
            transitions.finish(run, to, exitCode, null, now);
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
        transitions.unhold(run);
        if (run.cancelRequested) {
            transitions.finish(run, RunState.TERMINATED, null, null, now);
        } else {
            out.log(LogLevel.WARN, "Run " + id + " failed: " + reason);
            transitions.failed(run, null, reason, now);
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
            transitions.finish(run, RunState.TERMINATED, null, null, now);
        } else if (run.state == RunState.STAGED) {
            transitions.unstage(run);
            transitions.finish(run, RunState.TERMINATED, null, null, now);
            dispatchSoon(now);
        } else if (run.on == null) {
            transitions.unhold(run);
            transitions.finish(run, RunState.TERMINATED, null, null, now);
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
        reconnects.expire(now);
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
            for (Run run : runs.inStagingOrder(true)) {
                if (run.ahead) {
                    continue; // sent ahead, never started: it stays staged
                }
                transitions.unhold(run);
                transitions.finish(run, RunState.TERMINATED, null, "cluster stopped", now);
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
        List<Run> all = runs.inStagingOrder(false);
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
        return runs.running();
    }

    /** Runs sent ahead to a worker that has not yet reported them started (staged to the store and the user). */
    public int aheadCount() {
        return runs.ahead();
    }

    /**
     * How many runs are staged per requirements (a run asking for nothing has the empty map): demand for workers. An
     * unmodifiable map, the same instance until a queue changes, so reading it after every batch costs nothing.
     */
    public Map<Map<String, Long>, Integer> stagedByShape() {
        return staged.byShape();
    }

    /**
     * How many times a run joined the staged queues so far: while it stands still, runs only left them, so no count of
     * {@link #stagedByShape} grew, and the map need not be built to know it.
     */
    public long stagedAdded() {
        return staged.added();
    }

    /** Whether some staged run fits the total capacity of a connected worker taking runs (so it will start). */
    public boolean anyStagedCanStart() {
        return shapes.anyCandidates();
    }

    /** For {@code --run-once}: nothing staged can start and nothing runs, so waiting longer changes nothing. */
    public boolean nothingToDo() {
        return runs.running() == 0 && runs.ahead() == 0 && !anyStagedCanStart();
    }

    // ---------------------------------------------------------------- run bookkeeping

    private void addStaged(NewRun<P> r, int attempts, int retried, int tryBase, long stagedAt, long now) {
        Run run = runs.add(r, normalize(r.requires()), stagedAt);
        run.attempts = attempts;
        run.retried = retried;
        run.tryBase = tryBase;
        transitions.admit(run, r.policy(), now);
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

    private String waitReason(Run run) {
        if (run.ahead) {
            return "sent ahead to worker " + run.worker + ": it starts there when a slot frees";
        }
        return reasons.of(run, shapes.get(run.requires), workers.accepting());
    }

    /** A run sent ahead is staged to the store and the user; its worker says where it will start. */
    private CoreRun view(Run r) {
        return new CoreRun(r.id, r.ahead ? RunState.STAGED : r.state, r.requires, r.worker, r.attempts, r.stagedAt,
                r.startedAt, r.ahead ? null : r.assignment, waitReason(r));
    }
}
