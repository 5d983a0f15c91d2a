package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.ReportHold;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's life: takes runs from the scheduler, reports their output and exits, and decides when to stop.
 * All state lives on one agent thread; process and network threads hand their events to it.
 */
final class WorkerAgent implements SchedulerLink.Handler, RunProcess.Events {
    static final int EXIT_OK = 0;
    static final int EXIT_LOST_SCHEDULER = 1;
    static final int EXIT_REFUSED = 3;
    /** The scheduler speaks another protocol version (another hpc-dask release), and proved it holds the token. */
    static final int EXIT_OTHER_VERSION = 4;
    private static final long TICK_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);

    private final WorkerSpec spec;
    private final ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent"));
    private final ExecutorService processThreads = Executors.newCachedThreadPool(r -> daemon(r, "run-io"));
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final SchedulerLink link;
    private final GpuPool gpus;
    private final LocalCapacity capacity;
    private final Spawner spawner;
    /** The link's messages handed to the agent thread and not yet handled. */
    private final AtomicInteger queuedMessages = new AtomicInteger();
    // agent-thread state
    private final Map<String, RunProcess> runs = new ConcurrentHashMap<>(); // also read by the shutdown hook
    private volatile Map<String, Integer> heldRunIds = Map.of();
    /**
     * Starts that wait here, in the order they came: sent ahead of free capacity (the scheduler keeps this worker's
     * next runs here so a freed slot starts one without a round trip), or a newer attempt of a run whose older copy is
     * still ending. Each starts the moment its slot and amounts are free here (and its older copy has ended); none
     * starts after the lease ran out or while the link is down (they are dropped then: the scheduler stages them
     * again), and draining or stopping gives them back ({@link Message.RunReturned}).
     */
    private final Map<String, Message.StartRun> waiting = new java.util.LinkedHashMap<>();
    /**
     * Starts handed to the spawn helper to start the moment a run before them exits (a chain, see {@link #chain}), so
     * a run's end and the next one's start take no trip through this JVM. Each holds nothing here until it starts in
     * its turn (the end before it names it), when it takes over what that run held; the same rules as for waiting
     * runs withdraw it from the helper first ({@link #withdrawing}): a run the helper says started is running.
     */
    private final Map<String, RunProcess> chained = new java.util.LinkedHashMap<>();
    private final RunChains chains = new RunChains();
    /** Chained runs asked back from the helper, whose answer has not come: no run is chained while any is. */
    private final java.util.Set<RunProcess> withdrawing = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<>());
    /**
     * What the helper said of runs (ended, could not start, withdrawn), in the order it said it, results already
     * handed to the link, for the agent to settle (slot, GPUs, a chained run taking over) before the next start it
     * handles, at the next tick, or at once when {@link #settleAtOnce}: an end costs no thread hand-off.
     */
    private final java.util.Queue<Settled> ended = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** One thing to settle: a run ended ({@code error} null, not withdrawn), could not start, or was withdrawn. */
    private record Settled(RunProcess run, String error, boolean withdrawn) {
    }
    /**
     * An end must be settled at once: a start waits for it, a chained run is being asked back (it may have started in
     * the ended run's place, and must be killed should it be cancelled), this worker exits once its runs are done, or
     * the link is down (what this worker holds is told when it is back).
     */
    private volatile boolean settleAtOnce;
    /**
     * Runs wait chained in the helper: an end that frees a place must be settled at once, for them to be asked back
     * to start in it ({@link #unchainWhereFree}); one whose place a chained run took in the same turn need not be.
     */
    private volatile boolean chainsWait;
    /** The spawn helper's reader while it hands over a batch; the ends of a batch are settled once, at its end. */
    private volatile Thread helperBatch;
    // the reader's, within a batch: a run ended; and one's place may be free
    private boolean batchEnded;
    private boolean batchFreed;
    private boolean leaseExpiredLogged;
    private boolean connected;
    private long disconnectedSince;
    private String drainReason;
    private boolean stopping;

    WorkerAgent(WorkerSpec spec) {
        this.spec = spec;
        this.gpus = new GpuPool(spec.gpuIds());
        this.capacity = new LocalCapacity(spec.resources(), spec.slots());
        this.link = new SchedulerLink(spec, () -> heldRunIds, this);
        // what one read from the spawn helper brings (a run's start and end) goes to the scheduler as one frame
        this.spawner = new Spawner(spec.spawnWay(), System.getenv().getOrDefault(Spawner.PERL_ENV, "perl"),
                spec.workDirectory(), processThreads,
                new SpawnHelper.Batches() {
                    @Override
                    public void begin() {
                        link.holdSends();
                        helperBatch = Thread.currentThread();
                    }

                    @Override
                    public void placeFreed() {
                        batchFreed = true;
                    }

                    @Override
                    public void end() {
                        helperBatch = null;
                        link.releaseSends(); // the helper held what may wait (holdReports)
                        if (batchEnded && (settleAtOnce || batchFreed && chainsWait)) {
                            agent.execute(WorkerAgent.this::settleEnded);
                        }
                        batchEnded = false;
                        batchFreed = false;
                    }
                });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** How long a run killed by someone else's signal waits to see whether this worker is killed with it. */
    static final long FOREIGN_SIGNAL_GRACE_MILLIS = 2_000;
    /** The error of the report a cancel of a run this worker does not hold gets. */
    static final String NOT_HELD = "not running on this worker";
    private volatile boolean shuttingDown;
    /**
     * How long the helper may hold reports: {@link ReportHold#MILLIS}, which the scheduler's share of runs ahead is
     * made for. Tests lengthen it with the system property {@code hpcdask.worker.reportHoldMillis} to catch a hold in
     * the act.
     */
    static final long REPORT_HOLD_MILLIS = Long.getLong("hpcdask.worker.reportHoldMillis", ReportHold.MILLIS);
    /** How long a worker going down waits for the reports its spawn helper held (it answers within a turn). */
    private static final long HELD_ON_EXIT_MILLIS = 500;

    /** Runs until the worker should exit and returns its exit code. */
    int run() {
        disconnectedSince = spec.startMillis();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
            // what the helper held goes out before the link closes: a run that ended just before the worker's job
            // did must not run again because its end was never sent
            spawner.takeHeld(HELD_ON_EXIT_MILLIS);
            link.abandon();
            killAllNow();
        }, "kill-runs"));
        // the helper starts on the agent thread while the link connects: runs, which come on that thread, find it
        agent.execute(() -> spawner.open(spec.startMillis() + spec.leaseMillis()));
        link.start();
        agent.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        int code = exit.join();
        link.close();
        agent.shutdownNow();
        spawner.close();
        return code;
    }

    // ---- link events (network thread) ----

    @Override
    public void connected(Message.Welcome welcome) {
        ClassArchiveDump.afterRegistering();
        agent.execute(() -> {
            connected = true;
            updateSettleAtOnce();
            if (drainReason != null) {
                link.send(new Message.Draining(drainReason)); // a new link: the scheduler must hear it again
            }
        });
    }

    @Override
    public void disconnected(String reason) {
        agent.execute(() -> {
            connected = false;
            updateSettleAtOnce();
            disconnectedSince = System.currentTimeMillis();
            // the scheduler stages these again (it reconciles what this worker holds when it is back): none may start
            dropWaiting("the link to the scheduler is down");
            settleEnded(); // a chained run that started in an ended run's place is held here before the link is back
        });
    }

    @Override
    public void refused(String reason) {
        LOG.error("Scheduler at {} refused this worker: {}", spec.scheduler(), reason);
        agent.execute(() -> finish(EXIT_REFUSED));
    }

    @Override
    public void otherVersion(String line) {
        LOG.error("{}", line);
        agent.execute(() -> finish(EXIT_OTHER_VERSION));
    }

    @Override
    public void received(Message message) {
        queuedMessages.incrementAndGet();
        agent.execute(() -> handleQueued(message));
    }

    /** One of the link's messages, on the agent thread; the last one queued sends what they asked of the helper. */
    private void handleQueued(Message message) {
        spawner.beginBatch();
        try {
            handle(message);
        } finally {
            spawner.endBatch(queuedMessages.decrementAndGet() > 0);
        }
    }

    // ---- run events (process threads) ----

    @Override
    public void output(String runId, int attempt, String stream, byte[] data) {
        try {
            link.sendOutput(new Message.RunOutput(runId, stream, data, attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void started(RunProcess run) {
        link.send(new Message.RunStarted(run.runId(), run.pid(), run.attempt()));
    }

    @Override
    public void failedToStart(RunProcess run, String error) {
        // in order after the end that started it, when it was chained
        ended.add(new Settled(run, error, false));
        agent.execute(this::settleEnded);
    }

    @Override
    public void withdrawn(RunProcess run) {
        ended.add(new Settled(run, null, true));
        agent.execute(this::settleEnded);
    }

    @Override
    public void finished(RunProcess run, Message.RunFinished reported) {
        boolean abandoned = reported.abandoned() || run.killedForLease();
        Message.RunFinished result = abandoned && !reported.abandoned()
                ? new Message.RunFinished(reported.runId(), reported.exitCode(), true, null, reported.attempt(), true)
                : reported;
        if (abandoned) {
            // killed because the lease ran out: the scheduler re-stages it (or already has; then it is history)
            LOG.warn("Run {} (attempt {}) was killed: no word from the scheduler for the lease ({} s)", run.runId(),
                    run.attempt(), spec.leaseMillis() / 1000);
            link.send(result);
        } else if (result.terminated() && !run.killedByWorker()) {
            // A signal this worker did not send. When the batch system ends the whole job (scancel, walltime, node
            // failure) it signals the run and this JVM together: the run must then be re-staged, not recorded as
            // terminated, so its result is held back and dropped if this worker is going down too.
            // Its slot stays taken until the result is sent: the scheduler counts it free only then, and a start sent
            // ahead must not take it before the scheduler hears this run ended.
            agent.schedule(() -> {
                if (shuttingDown) {
                    LOG.info("Run {} was killed with this worker's job; the scheduler re-stages it", run.runId());
                } else {
                    link.send(result);
                }
                ended.add(new Settled(run, null, false));
                settleEnded();
            }, FOREIGN_SIGNAL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            return;
        } else {
            link.send(result); // from the run's own thread, so it follows all of the run's output
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Run {} ended with exit code {}{}", run.runId(), result.exitCode(),
                    result.terminated() ? " (terminated)" : "");
        }
        ended.add(new Settled(run, null, false));
        if (Thread.currentThread() == helperBatch) {
            batchEnded = true; // settled, if it must be at once, when the batch ends
        } else if (settleAtOnce || chainsWait) {
            agent.execute(this::settleEnded);
        }
    }

    // ---- agent thread ----

    /** Frees what runs that ended held, hands it to the runs the helper started in their place, starts what waited. */
    private void settleEnded() {
        Settled settled = ended.poll();
        if (settled == null) {
            return;
        }
        for (; settled != null; settled = ended.poll()) {
            RunProcess run = settled.run();
            if (settled.withdrawn()) {
                settleWithdrawn(run);
                continue;
            }
            if (runs.remove(run.runId(), run)) {
                gpus.release(run.gpuIds());
                capacity.give(run.request().resources());
            }
            RunProcess next = chains.next(run);
            chains.remove(run);
            if (next != null) {
                takeOver(next); // the helper starts it now (or did), or withdraws it: settleWithdrawn gives it back
            }
            if (settled.error() != null) {
                failToStart(run.request(), settled.error());
            }
        }
        updateHeld();
        startWaiting();
        updateSettleAtOnce(); // what was asked back has answered, or started
        maybeExit();
    }

    /**
     * The run a chained one follows has ended: the helper starts it in its turn (or has, or withdraws it), so it holds
     * what the run before it held (which covers what it asks) until it ends or the helper says it never starts.
     */
    private void takeOver(RunProcess run) {
        chained.remove(run.runId(), run);
        withdrawing.remove(run);
        capacity.take(run.request().resources());
        runs.put(run.runId(), run);
        if (run.killedByWorker() || stopping || waiting.containsKey(run.runId())) {
            // cancelled, stopping, or a newer attempt waits for it: asked back too late, so it ends now
            run.kill(agent);
        }
    }

    /** The helper never starts this chained run: it waits here again, goes back, or is dropped, as waiting runs do. */
    private void settleWithdrawn(RunProcess run) {
        withdrawing.remove(run);
        chains.remove(run);
        if (runs.remove(run.runId(), run)) {
            capacity.give(run.request().resources()); // took over an ended run's place, and never started in it
        } else if (!chained.remove(run.runId(), run)) {
            return;
        }
        Message.StartRun start = run.request();
        if (run.killedByWorker()) {
            // cancelled before it started, and now it never will
            link.send(new Message.RunFinished(start.runId(), -1, true, NOT_HELD, start.attempt(), false));
        } else if (!waiting.containsKey(start.runId())) { // else a newer attempt replaced it
            Map<String, Message.StartRun> after = new java.util.LinkedHashMap<>(waiting);
            waiting.clear();
            waiting.put(start.runId(), start); // it came before every run still waiting
            waiting.putAll(after);
            if (stopping || drainReason != null) {
                returnWaiting(stopping ? "stopping" : "draining");
            } else if (!connected) {
                dropWaiting("the link to the scheduler is down");
            }
        }
        updateSettleAtOnce();
    }

    private void updateSettleAtOnce() {
        settleAtOnce = !waiting.isEmpty() || !withdrawing.isEmpty() || drainReason != null || stopping || !connected;
        chainsWait = !chained.isEmpty();
        // the helper may hold reports of ends whose place a chained run took, for several to share a write, unless an
        // end must be settled at once: nothing then waits on the scheduler, whose share of runs ahead covers the hold
        spawner.holdReports(settleAtOnce ? 0 : REPORT_HOLD_MILLIS);
    }

    /** Asks the helper for a chained run back; ends are settled at once until its answer (or its start) is known. */
    private void askBack(RunProcess run) {
        if (withdrawing.add(run)) {
            updateSettleAtOnce();
            spawner.withdraw(run);
        }
    }

    /**
     * Starts every waiting run that may start now, in the order they came, and chains the first ones that cannot
     * behind a running run ({@link #chain}); the others wait for the next end.
     */
    private void startWaiting() {
        if (waiting.isEmpty()) {
            unchainWhereFree();
            return;
        }
        if (System.currentTimeMillis() >= link.lastHeardMillis() + spec.leaseMillis()) {
            return; // past the lease the scheduler may have staged them again: checkLease drops them
        }
        boolean behind = false; // a run that came earlier still waits here: no later one takes a turn before it
        for (java.util.Iterator<Message.StartRun> it = waiting.values().iterator(); it.hasNext(); ) {
            if (behind && capacity.freeSlots() < 1) {
                break; // nothing further can start or be chained: what waits costs nothing per end
            }
            Message.StartRun start = it.next();
            if (runs.containsKey(start.runId()) || chained.containsKey(start.runId())) {
                behind = true; // a newer attempt waits for the older one to end or be withdrawn
            } else if (fitsNow(start)) {
                it.remove();
                launch(start);
            } else if (!behind && chain(start)) {
                it.remove();
            } else {
                behind = true;
            }
        }
        unchainWhereFree();
        updateSettleAtOnce();
    }

    /**
     * A chain is fixed when a run comes, so a run may wait behind a long one while another slot frees: with room free
     * here and nothing waiting, the earliest chained runs that fit now are asked back, to start at once (or, should
     * the run before them end first, they start in their turn anyway).
     */
    private void unchainWhereFree() {
        if (chained.isEmpty() || !withdrawing.isEmpty() || !waiting.isEmpty() || capacity.freeSlots() < 1) {
            return;
        }
        int free = capacity.freeSlots();
        for (RunProcess run : chained.values()) {
            if (free == 0) {
                break;
            }
            if (fitsNow(run.request())) {
                askBack(run);
                free--;
            }
        }
    }

    /**
     * Hands the start to the spawn helper to begin the moment a running run exits whose slot and amounts cover what it
     * asks, behind the shortest such chain (at most {@link RunChains#MAX_DEPTH}): its start then takes no trip
     * through this JVM. Not for a run using GPUs (chosen as it starts), nor while the link is down, past the lease,
     * draining, stopping, or while a chained run is being asked back. False when it stays waiting here.
     */
    private boolean chain(Message.StartRun start) {
        if (!connected || drainReason != null || stopping || !withdrawing.isEmpty() || gpuCount(start) > 0
                || start.gpuIds() != null && !start.gpuIds().isEmpty() || chained.containsKey(start.runId())) {
            return false;
        }
        RunProcess best = null;
        int bestDepth = RunChains.MAX_DEPTH;
        for (RunProcess head : runs.values()) {
            int depth = chains.depth(head);
            if (depth < bestDepth) {
                RunProcess tail = chains.tail(head);
                if (!tail.killedByWorker() && tail.isAlive()
                        && capacity.covers(start.resources(), tail.request().resources())) {
                    best = tail;
                    bestDepth = depth;
                }
            }
        }
        if (best == null) {
            return false;
        }
        try {
            RunProcess run = spawner.chain(start, best, spec.workDirectory(), this);
            if (run == null) {
                return false;
            }
            spawner.lease(link.lastHeardMillis() + spec.leaseMillis());
            chains.add(best, run);
            chained.put(start.runId(), run);
            return true;
        } catch (IOException e) {
            LOG.debug("Run {} waits here: {}", start.runId(), e.getMessage());
            return false;
        }
    }

    /** Asks the helper for every chained run back (for {@link #settleWithdrawn}), but those it started first. */
    private void withdrawChained() {
        for (RunProcess run : chained.values()) {
            askBack(run);
        }
    }

    private boolean fitsNow(Message.StartRun start) {
        return capacity.fits(start.resources()) && gpus.available(start.gpuIds(), gpuCount(start));
    }

    private static long gpuCount(Message.StartRun start) {
        return start.resources() == null ? 0 : start.resources().getOrDefault("gpu", 0L);
    }

    /** Starts that wait here never start: each goes back to the scheduler, which stages it again. */
    private void returnWaiting(String why) {
        withdrawChained(); // each comes back here first, then goes back the same way
        if (waiting.isEmpty()) {
            return;
        }
        LOG.info("Giving back {} run(s) that had not started: {}", waiting.size(), why);
        for (Message.StartRun start : waiting.values()) {
            link.send(new Message.RunReturned(start.runId(), start.attempt()));
        }
        waiting.clear();
        updateSettleAtOnce();
    }

    /** As {@link #returnWaiting}, when no word can reach the scheduler: it stages them when it reconciles. */
    private void dropWaiting(String why) {
        withdrawChained();
        if (!waiting.isEmpty()) {
            LOG.info("Dropping {} run(s) that had not started: {}", waiting.size(), why);
            waiting.clear();
            updateSettleAtOnce();
        }
    }

    private void handle(Message message) {
        settleEnded();
        if (message instanceof Message.StartRun start) {
            startRun(start);
        } else if (message instanceof Message.CancelRun cancel) {
            RunProcess run = runs.get(cancel.runId());
            Message.StartRun queued = waiting.get(cancel.runId());
            RunProcess inChain = chained.get(cancel.runId());
            if (inChain != null && (cancel.attempt() == 0 || inChain.attempt() <= cancel.attempt())) {
                // told as ended once the helper says it never starts; killed should it have started first
                LOG.info("Cancelling run {} (attempt {}), which waits in the spawn helper", cancel.runId(),
                        inChain.attempt());
                inChain.kill(agent);
                askBack(inChain);
                return;
            }
            if (queued != null && (cancel.attempt() == 0 || queued.attempt() <= cancel.attempt())) {
                // it never started, and now never will
                waiting.remove(cancel.runId());
                updateSettleAtOnce();
                link.send(new Message.RunFinished(cancel.runId(), -1, true, NOT_HELD, queued.attempt(), false));
            }
            if (run != null && (cancel.attempt() == 0 || run.attempt() <= cancel.attempt())) {
                LOG.info("Cancelling run {} (attempt {})", cancel.runId(), run.attempt());
                run.kill(agent);
            } else if (run != null) {
                LOG.info("Ignoring a cancel of attempt {} of run {}: attempt {} runs here", cancel.attempt(),
                        cancel.runId(), run.attempt());
            } else if (queued == null) {
                // the scheduler thinks it runs here: say it does not, so the cancel ends it there (a run that just
                // ended was reported before this, so the scheduler ignores this second report)
                LOG.info("Asked to cancel run {}, which is not running here", cancel.runId());
                link.send(new Message.RunFinished(cancel.runId(), -1, true, NOT_HELD, cancel.attempt(), false));
            }
        } else if (message instanceof Message.Drain drain) {
            drain(drain.reason() == null ? "asked to drain by the scheduler" : drain.reason());
        } else if (message instanceof Message.Stop stop) {
            LOG.info("Stopping: {}", stop.reason());
            stop();
        } else {
            LOG.debug("Ignoring {}", message.getClass().getSimpleName());
        }
    }

    private void startRun(Message.StartRun start) {
        if (stopping) {
            link.send(new Message.RunReturned(start.runId(), start.attempt()));
            return;
        }
        RunProcess inChain = chained.get(start.runId());
        if (inChain != null && (start.attempt() == 0 || inChain.attempt() >= start.attempt())) {
            LOG.warn("Run {} is already waiting here; ignoring a second start", start.runId());
            return;
        }
        if (inChain != null) {
            // a newer attempt replaces it: it goes unless it started first (then the new one waits for its end)
            askBack(inChain);
        }
        RunProcess held = runs.get(start.runId());
        if (held != null && (start.attempt() == 0 || held.attempt() >= start.attempt())) {
            LOG.warn("Run {} is already running here; ignoring a second start", start.runId());
            return;
        }
        String never = capacity.neverFits(start.resources());
        if (never != null) {
            failToStart(start, never);
            return;
        }
        if (held != null) {
            // an older copy is still here (a cancel of it is on its way or done): the new one waits for it to end
            LOG.info("Run {} attempt {} waits for attempt {} to end here", start.runId(), start.attempt(), held.attempt());
            if (!held.killedByWorker()) {
                held.kill(agent);
            }
        } else if (drainReason != null && fitsNow(start)) {
            // the scheduler sent this before it heard we drain; running it is better than losing it
            LOG.info("Starting run {} although draining ({})", start.runId(), drainReason);
        } else if (drainReason != null) {
            // sent ahead before the scheduler heard we drain: it can start elsewhere at once
            link.send(new Message.RunReturned(start.runId(), start.attempt()));
            return;
        }
        Message.StartRun older = waiting.put(start.runId(), start);
        if (older != null) {
            LOG.info("Run {} attempt {} replaces attempt {}, which had not started here", start.runId(),
                    start.attempt(), older.attempt());
        }
        startWaiting();
        updateSettleAtOnce();
    }

    /** Starts the run's process now; its slot, amounts and GPUs are free here. */
    private void launch(Message.StartRun start) {
        // a start is word from the scheduler: the lease kept outside this JVM must not kill it before the next tick
        spawner.lease(link.lastHeardMillis() + spec.leaseMillis());
        long gpuCount = gpuCount(start);
        List<String> gpuIds = gpus.take(start.gpuIds(), gpuCount);
        if (gpuIds == null) {
            failToStart(start, "needs " + gpuCount + " GPU(s) but only " + gpus.freeCount() + " are free here");
            return;
        }
        try {
            RunProcess run = spawner.start(start, gpuIds, spec.workDirectory(), this);
            capacity.take(start.resources());
            runs.put(start.runId(), run);
            updateHeld();
        } catch (IOException e) {
            gpus.release(gpuIds);
            failToStart(start, e.getMessage());
        }
    }

    private void failToStart(Message.StartRun start, String error) {
        String runId = start.runId();
        LOG.warn("Run {} could not start: {}", runId, error);
        byte[] note = ("hpc-dask worker: run could not start: " + error + "\n").getBytes(StandardCharsets.UTF_8);
        link.send(new Message.RunOutput(runId, "stderr", note, start.attempt()));
        link.send(new Message.RunFinished(runId, 127, false, error, start.attempt(), false));
    }

    private void updateHeld() {
        Map<String, Integer> held = new java.util.LinkedHashMap<>();
        runs.forEach((id, run) -> held.put(id, run.attempt()));
        heldRunIds = java.util.Collections.unmodifiableMap(held);
    }

    private void drain(String reason) {
        if (drainReason == null) {
            drainReason = reason;
            updateSettleAtOnce();
            LOG.info("Draining: {}", reason);
            link.send(new Message.Draining(reason));
            returnWaiting("draining");
        }
        maybeExit();
    }

    private void stop() {
        stopping = true;
        returnWaiting("stopping");
        updateSettleAtOnce();
        settleEnded();
        for (RunProcess run : runs.values()) {
            run.kill(agent);
        }
        if (runs.isEmpty()) {
            finish(EXIT_OK);
        } else {
            // their exits are reported as they come; do not wait forever on a run that ignores KILL
            agent.schedule(() -> finish(EXIT_OK), RunProcess.KILL_GRACE_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        if (exit.isDone()) {
            return; // exiting: the main thread is closing the link, and has nothing more to hear from the ticks
        }
        settleEnded();
        long now = System.currentTimeMillis();
        checkLease(now);
        if (!connected && now - disconnectedSince >= spec.deathTimeoutMillis()) {
            String last = link.lastFailure();
            LOG.error("No scheduler at {} for {} s (--death-timeout){}; exiting", spec.scheduler(),
                    spec.deathTimeoutMillis() / 1000, last == null ? "" : "; last attempt: " + last);
            finish(EXIT_LOST_SCHEDULER);
            return;
        }
        if (spec.drainAtMillis() > 0 && now >= spec.drainAtMillis() && drainReason == null) {
            drain("lifetime ends at " + Instant.ofEpochMilli(spec.endTimeMillis()));
        }
        maybeExit();
    }

    /**
     * The lease: when the scheduler has not been heard from for {@code --lease}, every run is killed (its result kept
     * to report, marked abandoned), because the scheduler re-stages the runs of a silent worker once the lease and a
     * margin have passed. The spawn helper (or the run guard) enforces the same end from outside the JVM should this
     * thread not run.
     */
    private void checkLease(long now) {
        long until = link.lastHeardMillis() + spec.leaseMillis();
        spawner.lease(until);
        if (now < until) {
            leaseExpiredLogged = false;
            return;
        }
        dropWaiting("no word from the scheduler for the lease");
        List<RunProcess> live = new ArrayList<>();
        for (RunProcess run : runs.values()) {
            if (!run.abandoned()) {
                live.add(run);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        if (!leaseExpiredLogged) {
            leaseExpiredLogged = true;
            LOG.warn("No word from the scheduler at {} for {} s (--lease): killing {} run(s) so none runs twice",
                    spec.scheduler(), (now - link.lastHeardMillis()) / 1000, live.size());
        }
        for (RunProcess run : live) {
            run.abandon();
        }
    }

    private void maybeExit() {
        if ((drainReason != null || stopping) && runs.isEmpty() && chained.isEmpty() && connected) {
            finish(EXIT_OK);
        }
    }

    private void finish(int code) {
        if (exit.isDone()) {
            return;
        }
        killAllNow();
        exit.complete(code);
    }

    /** Last resort on exit: no run outlives its worker. */
    private void killAllNow() {
        for (RunProcess run : new ArrayList<>(runs.values())) {
            run.signal("KILL");
        }
    }
}
