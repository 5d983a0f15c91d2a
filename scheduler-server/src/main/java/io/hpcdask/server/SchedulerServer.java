package io.hpcdask.server;

import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.CancelResult;
import io.hpcdask.server.api.CancelSelection;
import io.hpcdask.server.api.DashboardState;
import io.hpcdask.server.api.RunIds;
import io.hpcdask.server.api.RunFilter;
import io.hpcdask.server.api.RunPage;
import io.hpcdask.server.api.RunPolicyRequest;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.api.RetryRequest;
import io.hpcdask.server.api.RunsProgress;
import io.hpcdask.server.api.RunsWatch;
import io.hpcdask.server.api.SchedulerService;
import io.hpcdask.server.api.StageResult;
import io.hpcdask.server.api.WorkerView;
import io.hpcdask.server.core.CoreRun;
import io.hpcdask.server.core.CoreWorker;
import io.hpcdask.server.core.DaskTags;
import io.hpcdask.server.core.NewRun;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.SchedulerCore;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import io.hpcdask.server.loop.CoreOutbox;
import io.hpcdask.server.loop.EventLoop;
import io.hpcdask.server.loop.WorkerEvents;
import io.hpcdask.server.metrics.ServerMetrics;
import io.hpcdask.server.scaling.WorkerControl;
import io.hpcdask.server.scaling.WorkerObserver;
import io.hpcdask.server.store.RunLogs;
import io.hpcdask.server.store.RunQueries;
import io.hpcdask.server.store.RunStore;
import io.hpcdask.server.store.StoreUnavailableException;
import io.hpcdask.server.store.StoredRun;
import io.hpcdask.server.transport.WorkerListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler server: the decision core owned by one event loop, the run database, and the run logs. Hand
 * {@link #workerListener()} to the worker transport and serve this {@link SchedulerService} to clients.
 */
public final class SchedulerServer implements SchedulerService, AutoCloseable {
    /** The scheduler's log; users grep its lines. */
    public static final String LOGGER = "hpc-dask.scheduler";
    public static final String DATABASE = "runs.db";
    public static final String RUN_LOGS = "runs";
    /** How the API and {@code cluster status} begin to say that the run database cannot write. */
    public static final String DEGRADED = "degraded: store unavailable";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    /**
     * Runs read, turned into views and sent on at a time when a page is answered in slices: a few MB of heap, however
     * many runs the page holds.
     */
    static final int RUN_SLICE = 2_000;

    private final RunStore store;
    private final RunLogs logs;
    private final SchedulerCore<RunRequest> core;
    private final CoreOutbox outbox;
    private final EventLoop loop;
    private final WorkerEvents workerEvents;
    private final RunQueries queries;
    private final RunWatches watches = new RunWatches();
    private final ServerMetrics metrics;
    private final SchedulerDashboard dashboard = new SchedulerDashboard();
    private volatile boolean closed;
    private volatile WorkerObserver observer = WorkerObserver.NONE;
    private Set<String> busy = Set.of();
    /** Demand last told to scaling, and whether workers joined or left since (on the loop thread only). */
    private Map<Map<String, Long>, Integer> demandTold = Map.of();
    private boolean workersChangedSinceDemand;
    /** {@link SchedulerCore#stagedAdded} when demand was last looked at (on the loop thread only). */
    private long stagedAddedAtDemand = -1;

    private SchedulerServer(ServerConfig config, LongSupplier clock, int storeBatch) {
        this.logs = new RunLogs(config.clusterDir().resolve(RUN_LOGS));
        this.loop = new EventLoop("hpc-dask-scheduler", clock, config.tickMillis(), this::tick, LOG);
        this.metrics = new ServerMetrics(clock);
        this.store = RunStore.open(databaseFile(config.clusterDir()), this::handOn, storeBatch);
        store.onCommit(metrics::committed);
        this.outbox = new CoreOutbox(store, logs, LOG);
        this.core = new SchedulerCore<>(config.coreConfig(), outbox);
        outbox.onStartFailure((runId, worker, reason) ->
                loop.execute(() -> core.startFailed(runId, worker, reason, loop.now())));
        outbox.onFence((worker, jobId) -> observer.fence(worker.name(), jobId));
        this.workerEvents = new WorkerEvents(loop, core, outbox, logs, LOG, metrics);
        this.queries = store.queries();
        outbox.onStateChange(change -> {
            watches.stateChanged(change);
            metrics.stateChanged(change);
            dashboard.changed(change);
        });
        logs.onAppend(watches::output);
        workerEvents.observe(counting(WorkerObserver.NONE));
        core.deferDispatch();
        loop.afterBatch(now -> {
            core.dispatchPending(now);
            reportDemand(false);
        });
        loop.wakeAt(core::nextDeadline);
        restore(config.restoreGraceMillis());
        dashboard.seed(queries.counts()); // after restore: its changes are in the store's counts
    }

    /** Opens the cluster's database, takes back its staged and running runs, and starts scheduling. */
    public static SchedulerServer start(ServerConfig config) {
        return start(config, System::currentTimeMillis);
    }

    static SchedulerServer start(ServerConfig config, LongSupplier clock) {
        return start(config, clock, RunStore.DEFAULT_MAX_BATCH);
    }

    /** {@code storeBatch} 1 commits each change alone: the baseline the server benchmark compares against. */
    static SchedulerServer start(ServerConfig config, LongSupplier clock, int storeBatch) {
        SchedulerServer server = new SchedulerServer(config, clock, storeBatch);
        server.loop.start();
        return server;
    }

    public static Path databaseFile(Path clusterDir) {
        return clusterDir.resolve(DATABASE);
    }

    private void restore(long graceMillis) {
        long now = loop.now();
        int staged = 0;
        int running = 0;
        for (StoredRun r : store.runs(null)) {
            NewRun<RunRequest> run = RunPolicies.newRun(r.id(), r.spec());
            if (r.state() == RunState.STAGED) {
                core.restoreStaged(run, r.attempts(), r.retried(), r.tryBase(), r.stagedAt() == null ? now : r.stagedAt());
                staged++;
            } else if (r.state() == RunState.RUNNING) {
                core.restoreRunning(run, r.attempts(), r.retried(), r.tryBase(), r.stagedAt() == null ? now : r.stagedAt(),
                        r.worker(),
                        r.assignment() == null ? io.hpcdask.server.core.Assignment.NONE : r.assignment(),
                        r.startedAt() == null ? now : r.startedAt(), now + graceMillis);
                running++;
            }
        }
        core.start(now);
        logs.lookAgain();
        core.dispatchPending(now); // the loop has not started: this thread still owns the core
        if (staged + running > 0) {
            LOG.info("Restored {} staged and {} running run(s) from {}", staged, running, store.file());
        }
    }

    /** Called by the store right after staged runs are committed, in id order: the core sees them in that order. */
    private void handOn(List<StoredRun> staged) {
        dashboard.staged(staged.size());
        List<NewRun<RunRequest>> runs = new ArrayList<>(staged.size());
        for (StoredRun r : staged) {
            runs.add(RunPolicies.newRun(r.id(), r.spec()));
        }
        loop.execute(() -> {
            logs.lookAgain(); // a directory broken before this submission fails its runs before any starts
            core.runsStaged(runs, loop.now());
        });
    }

    private void tick(long now) {
        logs.lookAgain();
        core.tick(now);
        reportBusyChanges();
        reportDemand(true);
        dashboard.sample(now, outbox.finishedCount());
    }

    /**
     * Scaling learns which workers are busy from here, once a tick: it only needs it to choose whom to stop when
     * scaling down, and it stops by draining, so a run that starts in between is never cut short.
     */
    private void reportBusyChanges() {
        WorkerObserver o = observer;
        if (o == WorkerObserver.NONE) {
            return;
        }
        Set<String> nowBusy = new HashSet<>();
        for (CoreWorker w : core.workers()) {
            if (!w.runIds().isEmpty()) {
                nowBusy.add(w.name().name());
            }
        }
        for (String w : nowBusy) {
            if (!busy.contains(w)) {
                o.busy(w, true);
            }
        }
        for (String w : busy) {
            if (!nowBusy.contains(w)) {
                o.busy(w, false);
            }
        }
        busy = nowBusy;
    }

    /**
     * Scaling learns the staged runs by shape after each batch in which they grew or the workers changed: after the
     * dispatch, so runs the connected workers took are no longer demand, and after the join it accounts for. Demand
     * that only shrank (runs started) waits for the tick: telling it after every start woke the scaling thread once
     * per run, and it only matters for scaling down, which waits far longer than a tick.
     */
    private void reportDemand(boolean tick) {
        WorkerObserver o = observer;
        if (o == WorkerObserver.NONE) {
            return;
        }
        long added = core.stagedAdded();
        if (!tick && !workersChangedSinceDemand && added == stagedAddedAtDemand) {
            return; // runs only left the queues since the last look, so nothing grew past what scaling was told
        }
        stagedAddedAtDemand = added;
        Map<Map<String, Long>, Integer> now = core.stagedByShape(); // the same instance while no queue changed
        if (workersChangedSinceDemand || now != demandTold && (grew(now, demandTold) || tick && !now.equals(demandTold))) {
            workersChangedSinceDemand = false;
            demandTold = now;
            o.demand(now);
        }
    }

    private static boolean grew(Map<Map<String, Long>, Integer> now, Map<Map<String, Long>, Integer> told) {
        for (Map.Entry<Map<String, Long>, Integer> e : now.entrySet()) {
            if (e.getValue() > told.getOrDefault(e.getKey(), 0)) {
                return true;
            }
        }
        return false;
    }

    /** Tells {@code observer} of workers joining, leaving, draining and becoming busy or idle. */
    public void observeWorkers(WorkerObserver observer) {
        this.observer = observer;
        workerEvents.observe(counting(observer));
    }

    /** {@code observer}, with clients waiting for workers told after it heard of a worker joining or leaving. */
    private WorkerObserver counting(WorkerObserver observer) {
        return new WorkerObserver() {
            @Override
            public void connected(String worker, String jobId) {
                observer.connected(worker, jobId);
                workersChangedSinceDemand = true;
                watches.workersChanged();
            }

            @Override
            public void left(String worker) {
                observer.left(worker);
                workersChangedSinceDemand = true;
                watches.workersChanged();
            }

            @Override
            public void busy(String worker, boolean busy) {
                observer.busy(worker, busy);
            }

            @Override
            public void retiring(String worker) {
                observer.retiring(worker);
                watches.workersChanged();
            }

            @Override
            public void fence(String worker, String jobId) {
                observer.fence(worker, jobId);
            }

            @Override
            public void demand(Map<Map<String, Long>, Integer> stagedByShape) {
                observer.demand(stagedByShape);
            }
        };
    }

    /** For the worker transport: connects, messages and disconnects of workers. */
    public WorkerListener workerListener() {
        return workerEvents;
    }

    // ---------------------------------------------------------------- SchedulerService

    @Override
    public StageResult stage(List<RunRequest> requests) {
        return stage(null, requests);
    }

    /**
     * Stages runs once they are durable. A {@code requestId} (chosen by the client, or null) that staged runs before
     * returns those runs and stages nothing, so a client retrying after a lost answer never stages twice. While the
     * store cannot write, nothing is staged: {@link ApiException} 503 with the reason.
     */
    @Override
    public StageResult stage(String requestId, List<RunRequest> requests) {
        Set<String> warnings = new LinkedHashSet<>();
        List<RunRequest> specs = prepare(requestId, requests, warnings, queries);
        warnings.forEach(LOG::warn);
        List<StoredRun> stored;
        try {
            stored = store.stage(specs, loop.now(), requestId);
        } catch (StoreUnavailableException e) {
            throw new ApiException(503, DEGRADED + ": " + e.reason());
        }
        metrics.runsSubmitted(stored.size());
        return new StageResult(stored.stream().map(r -> r.id().value()).toList(), List.copyOf(warnings));
    }

    /**
     * The runs as the store keeps them, their requirements parsed from their tags; malformed pieces warned about; their
     * policies checked (the runs they wait for must be in {@code queries}' store).
     */
    private static List<RunRequest> prepare(String requestId, List<RunRequest> requests, Set<String> warnings,
                                            RunQueries queries) {
        if (requestId != null && (requestId.isEmpty() || requestId.length() > 200)) {
            throw new InvalidValueException("a request id must have 1 to 200 characters, got " + requestId.length());
        }
        List<RunRequest> specs = new ArrayList<>(requests.size());
        for (RunRequest r : requests) {
            if (r.argv() == null || r.argv().isEmpty()) {
                throw new InvalidValueException("a run needs a command: expected CMD ARGS...");
            }
            DaskTags.Parsed parsed = DaskTags.parse(r.tags());
            warnings.addAll(parsed.warnings());
            RunPolicies.check(r.policyOrNone(), queries);
            specs.add(r.staged(parsed.requires()));
        }
        return specs;
    }

    /**
     * Stages runs straight into a stopped cluster's database (Guild's {@code --stage}), in one transaction, as
     * {@link #stage(String, List)} would: the next server started on it takes them. The caller makes sure no server
     * has the database open (the launcher's store lock); a server that had read it would never see these runs.
     */
    public static StageResult stageStopped(Path clusterDir, String requestId, List<RunRequest> requests) {
        Set<String> warnings = new LinkedHashSet<>();
        try (RunStore store = RunStore.open(databaseFile(clusterDir))) {
            List<RunRequest> specs = prepare(requestId, requests, warnings, store.queries());
            List<StoredRun> stored = store.stage(specs, System.currentTimeMillis(), requestId);
            return new StageResult(stored.stream().map(r -> r.id().value()).toList(), List.copyOf(warnings));
        }
    }

    /** Runs from the store (everything recorded so far), with the core's reason for each staged one that waits. */
    @Override
    public List<RunView> runs(String state) {
        RunState filter = parseState(state);
        commitBeforeShowing();
        return views(store.runs(filter), !closed);
    }

    /** As {@link #runs(String)} answers, read and handed on a slice at a time ({@link #RUN_SLICE} runs). */
    @Override
    public void runs(String state, java.util.function.Consumer<List<RunView>> slices) {
        RunState filter = parseState(state);
        commitBeforeShowing();
        queries.pageInSlices(filter == null ? Set.of() : Set.of(filter), null, 0, RUN_SLICE,
                rows -> slices.accept(views(rows, !closed)));
    }

    private void commitBeforeShowing() {
        try {
            // what a client is shown must survive a crash (a run shown completed must never run again), so changes
            // still being gathered are committed first; with none outstanding this returns at once, without a commit
            store.flush();
        } catch (StoreUnavailableException e) {
            // what is not committed yet is still shown: the store reads its queued changes too
        }
    }

    /** The run from the store, with the core's reason when it is staged and waits. */
    @Override
    public RunView run(String id) {
        StoredRun r = (id == null ? java.util.Optional.<StoredRun>empty() : store.run(RunId.of(id)))
                .orElseThrow(() -> new ApiException(404, "no run with id " + id));
        String why = r.state() == RunState.STAGED && !closed ? loop.call(() -> core.waitReason(r.id())) : null;
        return view(r, why);
    }

    /** Counted and paged in SQL: the table is never read whole. */
    @Override
    public RunPage runPage(RunFilter filter) {
        return page(queries.page(parseStates(filter.states()), filter.label(), filter.limit()), !closed);
    }

    /** Read and handed on a slice at a time ({@link #RUN_SLICE} runs), each with the core's reasons as it is read. */
    @Override
    public RunPage runPage(RunFilter filter, java.util.function.Consumer<List<RunView>> slices) {
        long serverTime = System.currentTimeMillis();
        RunQueries.Page p = queries.pageInSlices(parseStates(filter.states()), filter.label(), filter.limit(), RUN_SLICE,
                rows -> slices.accept(views(rows, !closed)));
        return new RunPage(List.of(), p.matching(), labelled(p.counts()), serverTime);
    }

    private RunPage page(RunQueries.Page p, boolean withReasons) {
        return new RunPage(views(p.runs(), withReasons), p.matching(), labelled(p.counts()));
    }

    private static Map<String, Long> labelled(Map<RunState, Long> counts) {
        Map<String, Long> byLabel = new java.util.LinkedHashMap<>();
        counts.forEach((s, n) -> byLabel.put(s.label(), n));
        return byLabel;
    }

    /** The runs as a client sees them, with the core's reason for each staged one that waits. */
    private List<RunView> views(List<StoredRun> runs, boolean withReasons) {
        Map<RunId, String> reasons = !withReasons ? Map.of() : loop.call(() -> {
            Map<RunId, String> m = new HashMap<>();
            for (StoredRun r : runs) {
                String why = r.state() == RunState.STAGED ? core.waitReason(r.id()) : null;
                if (why != null) {
                    m.put(r.id(), why);
                }
            }
            return m;
        });
        List<RunView> views = new ArrayList<>(runs.size());
        for (StoredRun r : runs) {
            views.add(view(r, reasons.get(r.id())));
        }
        return views;
    }

    /** A page of runs straight from a cluster's database, for {@code hpc-dask runs} when no server answers. */
    public static RunPage readRunPage(Path clusterDir, RunFilter filter) {
        RunQueries.Page p = RunQueries.readOnly(databaseFile(clusterDir)).page(parseStates(filter.states()), filter.label(),
                filter.limit());
        List<RunView> views = new ArrayList<>(p.runs().size());
        for (StoredRun r : p.runs()) {
            views.add(view(r, null));
        }
        return new RunPage(views, p.matching(), labelled(p.counts()));
    }

    /**
     * Told by the core's state changes, not by polling the store: the wait is registered on the loop, where the core
     * knows which runs are still staged or running. Once all have ended, their endings are read from the store (its
     * queued changes included).
     */
    @Override
    public CompletableFuture<RunsProgress> awaitRuns(List<RunIds.Range> ranges, long waitMillis) {
        long total = RunIds.count(ranges);
        requireRuns(ranges);
        CompletableFuture<Long> ended = loop.call(() ->
                watches.awaitRuns(ranges, id -> core.run(RunId.of(id)).isPresent(), waitMillis));
        return ended.thenApply(n -> n < total ? new RunsProgress(total, n, List.of())
                : new RunsProgress(total, total, endings(ranges)));
    }

    /** Registered on the loop, as {@link #awaitRuns} is, so the watch's start and its later changes fit together. */
    @Override
    public RunsWatch watchRuns(List<RunIds.Range> ranges, boolean states, RunsWatch.Listener listener) {
        requireRuns(ranges);
        if (closed) {
            throw new ApiException(503, "the scheduler is shutting down");
        }
        return loop.call(() -> watches.watchRuns(ranges,
                id -> core.run(RunId.of(id)).map(r -> r.state().label()).orElse(null), states, listener));
    }

    @Override
    public Runnable watchOutput(long id, Runnable appended) {
        return watches.watchOutput(id, appended);
    }

    private void requireRuns(List<RunIds.Range> ranges) {
        for (RunIds.Range r : ranges) {
            if (queries.countIds(r.first(), r.last()) < r.size()) {
                throw new ApiException(404, "no run with some of the ids " + r.first()
                        + (r.size() > 1 ? " to " + r.last() : ""));
            }
        }
    }

    private List<RunsProgress.Outcome> endings(List<RunIds.Range> ranges) {
        Map<List<Object>, Long> counts = new HashMap<>();
        for (RunIds.Range r : ranges) {
            for (RunQueries.Ending e : queries.endings(r.first(), r.last())) {
                counts.merge(java.util.Arrays.asList(e.state().label(), e.exitCode()), e.count(), Long::sum);
            }
        }
        List<RunsProgress.Outcome> out = new ArrayList<>();
        counts.forEach((k, n) -> out.add(new RunsProgress.Outcome((String) k.get(0), (Integer) k.get(1), n)));
        return out;
    }

    @Override
    public CompletableFuture<Void> awaitRunNews(String id, long offset, long waitMillis) {
        Path log = runLog(id);
        long key = Long.parseLong(id);
        if (waitMillis <= 0) {
            run(id);
            return CompletableFuture.completedFuture(null);
        }
        // registered before looking, so that an ending or output in between wakes it
        CompletableFuture<Void> news = watches.follow(key, waitMillis);
        boolean active = !closed && loop.call(() -> core.run(RunId.of(id)).isPresent());
        if (!active) {
            watches.unfollow(key, news);
            run(id); // 404 when there is no such run
            return CompletableFuture.completedFuture(null);
        }
        if (size(log) > offset) {
            watches.unfollow(key, news);
            return CompletableFuture.completedFuture(null);
        }
        return news;
    }

    private static long size(Path file) {
        try {
            return java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            return 0; // no output yet
        }
    }

    @Override
    public CompletableFuture<Long> awaitWorkers(long seen, long waitMillis) {
        return watches.awaitWorkers(seen, waitMillis);
    }

    /**
     * Runs straight from a cluster's database, for {@code hpc-dask runs} when no server answers (no wait reasons then).
     * Reads only; the database must exist.
     */
    public static List<RunView> readRuns(Path clusterDir, String state) {
        RunState filter = parseState(state);
        List<RunView> views = new ArrayList<>();
        for (StoredRun r : RunStore.read(databaseFile(clusterDir), filter)) {
            views.add(view(r, null));
        }
        return views;
    }

    static RunView view(StoredRun r, String waitReason) {
        RunPolicyRequest p = r.spec().policyOrNone();
        return new RunView(r.id().value(), r.spec().label(), r.state().label(), r.spec().argv(), r.spec().requires(),
                r.worker() == null ? null : r.worker().name(),
                r.stagedAt(), r.startedAt(), r.endedAt(), r.exitCode(), r.attempts(), waitReason, r.reason(),
                p.priority() == null ? 0 : p.priority(), p.timeLimitSeconds(), p.maxAttempts(),
                p.retries() == null ? 0 : p.retries(), r.retried(), p.after());
    }

    private static java.util.Set<RunState> parseStates(List<String> states) {
        java.util.Set<RunState> out = java.util.EnumSet.noneOf(RunState.class);
        states.forEach(s -> out.add(parseState(s)));
        return out;
    }

    private static RunState parseState(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return RunState.fromLabel(state);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("'" + state + "' is not a run state; expected one of "
                    + Arrays.stream(RunState.values()).map(RunState::label).collect(Collectors.joining(", ")));
        }
    }

    @Override
    public List<WorkerView> workers() {
        List<CoreWorker> workers = loop.call(core::workers);
        List<WorkerView> views = new ArrayList<>(workers.size());
        for (CoreWorker w : workers) {
            views.add(new WorkerView(w.name().name(), w.host(), w.jobId(), null, w.resources(), w.used(), w.slots(),
                    w.slotsUsed(), w.state(), w.endTimeMillis() > 0 && w.endTimeMillis() < Long.MAX_VALUE
                            ? w.endTimeMillis() : null));
        }
        return views;
    }

    /** Counts and series as kept, the queue and workers from the core: no run is read. */
    @Override
    public DashboardState dashboard() {
        SchedulerDashboard.Core c = closed ? SchedulerDashboard.Core.NONE : loop.call(() -> dashboard.readCore(core));
        return dashboard.state(c);
    }

    @Override
    public List<String> cancel(List<String> runIds) {
        return loop.call(() -> {
            List<String> cancelled = new ArrayList<>();
            for (String id : runIds) {
                if (core.cancelRun(RunId.ofNullable(id), loop.now())) {
                    cancelled.add(id);
                }
            }
            return cancelled;
        });
    }

    /**
     * Stages finished runs again as new attempts of the same runs (same ids, attempts go on), in id order: those named
     * (or all) in the states asked (default error, lost, timeout) with the label asked (or any). A run that is staged or
     * running, or ended in another state, is left alone.
     */
    @Override
    public List<String> retry(RetryRequest request) {
        Set<RunState> states = new java.util.LinkedHashSet<>();
        for (String label : request.states() == null || request.states().isEmpty() ? RetryRequest.DEFAULT_STATES
                : request.states()) {
            RunState st = parseState(label);
            if (!st.isFinal()) {
                throw new InvalidValueException("'" + label + "' is not a finished state; retry takes "
                        + Arrays.stream(RunState.values()).filter(RunState::isFinal).map(RunState::label)
                        .collect(Collectors.joining(", ")));
            }
            states.add(st);
        }
        List<RunIds.Range> ranges = request.ids() == null || request.ids().isBlank() ? null
                : RunIds.decode(request.ids());
        List<StoredRun> candidates = new ArrayList<>();
        for (RunState st : states) {
            for (StoredRun r : store.runs(st)) {
                if ((request.label() == null || request.label().equals(r.spec().label()))
                        && (ranges == null || ranges.stream().anyMatch(g -> g.contains(r.id().number())))) {
                    candidates.add(r);
                }
            }
        }
        candidates.sort(java.util.Comparator.comparingLong(r -> r.id().number()));
        List<String> retried = loop.call(() -> {
            List<String> ids = new ArrayList<>();
            long now = loop.now();
            for (StoredRun r : candidates) {
                if (core.run(r.id()).isEmpty()) { // not staged again by a retry in between
                    core.retryRun(RunPolicies.newRun(r.id(), r.spec()), r.state(), r.attempts(), now);
                    ids.add(r.id().value());
                }
            }
            return ids;
        });
        try {
            store.flush(); // durable before the command says so
        } catch (StoreUnavailableException e) {
            throw new ApiException(503, DEGRADED + ": " + e.reason());
        }
        return retried;
    }

    /**
     * One step on the loop over the core's staged and running runs, however many the selection names; a label is
     * looked up in the store first. Unknown or ended ids are simply not cancelled.
     */
    @Override
    public CancelResult cancel(CancelSelection selection) {
        java.util.function.Predicate<CoreRun> selected = CancelFilter.of(selection, queries::idsLabelled);
        List<String> cancelled = loop.call(() -> {
            List<String> ids = new ArrayList<>();
            long now = loop.now();
            for (CoreRun r : core.activeRuns()) {
                if (selected.test(r) && core.cancelRun(r.id(), now)) {
                    ids.add(r.id().value());
                }
            }
            return ids;
        });
        if (!cancelled.isEmpty()) {
            LOG.info("Cancelled {} run(s): {}", cancelled.size(), RunIds.encode(cancelled));
        }
        return new CancelResult(cancelled.size(), cancelled.isEmpty() ? "" : RunIds.encode(cancelled));
    }

    @Override
    public Path runLog(String runId) {
        return logs.path(RunId.parse(runId));
    }

    // ---------------------------------------------------------------- for the server process and scaling

    /**
     * {@code degraded: store unavailable: REASON} while the run database cannot write (no submissions are accepted
     * then; state changes wait and are retried), else null.
     */
    public String degraded() {
        return store.unavailable().map(why -> DEGRADED + ": " + why).orElse(null);
    }

    public ServerStatus status() {
        return loop.call(() -> new ServerStatus(core.workerCount(), core.stagedCount(), core.runningCount(),
                outbox.finishedCount(), core.nothingToDo()));
    }

    /** The number of runs in each state (states without runs left out), changes not yet committed included. */
    public Map<RunState, Long> runCounts() {
        return dashboard.counts();
    }

    /** The scheduler's metrics, for {@code /metrics}; the server process adds what it knows (workers' links, scaling). */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Scaling's hold on workers: both go through draining, so no run that already started is cut short. */
    public WorkerControl workerControl() {
        return new WorkerControl() {
            @Override
            public void drain(String worker) {
                SchedulerServer.this.drain(WorkerId.of(worker), "scaled down");
            }

            @Override
            public void drainIdle(String worker) {
                SchedulerServer.this.drain(WorkerId.of(worker), "scaled down");
            }
        };
    }

    /** Asks a worker to take no new runs and exit when its last one ends. */
    public void drain(WorkerId worker, String reason) {
        loop.execute(() -> core.drainWorker(worker, reason, loop.now()));
    }

    /**
     * Stops scheduling: with {@code stopWorkers} every worker is told to kill its runs and exit first. Logs
     * {@code Stopping scheduler}, commits what is pending and closes the database. Staged runs stay for the next start.
     */
    public void shutdown(boolean stopWorkers) {
        if (closed) {
            return;
        }
        closed = true;
        watches.close();
        try {
            loop.call(() -> {
                core.shutdown(stopWorkers, loop.now());
                return null;
            });
        } finally {
            loop.close();
            try {
                store.close();
            } catch (StoreUnavailableException e) { // each change not recorded is in the log already
                LOG.error("Closed the run database with changes not recorded: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        shutdown(false);
    }
}
