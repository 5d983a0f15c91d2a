package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
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
     * Runs that ended, their results already handed to the link, for the agent to settle (slot, GPUs) before the next
     * start it handles, at the next tick, or at once when {@link #settleAtOnce}: an end costs no thread hand-off.
     */
    private final java.util.Queue<RunProcess> ended = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** An end must be settled at once: a start waits for it, or this worker exits once its runs are done. */
    private volatile boolean settleAtOnce;
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
        this.spawner = new Spawner(System.getenv().getOrDefault(Spawner.PERL_ENV, "perl"), processThreads,
                new SpawnHelper.Batches() {
                    @Override
                    public void begin() {
                        link.holdSends();
                    }

                    @Override
                    public void end() {
                        link.releaseSends();
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

    /** Runs until the worker should exit and returns its exit code. */
    int run() {
        disconnectedSince = spec.startMillis();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
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
            if (drainReason != null) {
                link.send(new Message.Draining(drainReason)); // a new link: the scheduler must hear it again
            }
        });
    }

    @Override
    public void disconnected(String reason) {
        agent.execute(() -> {
            connected = false;
            disconnectedSince = System.currentTimeMillis();
            // the scheduler stages these again (it reconciles what this worker holds when it is back): none may start
            dropWaiting("the link to the scheduler is down");
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
        agent.execute(() -> handle(message));
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
        agent.execute(() -> {
            if (runs.remove(run.runId(), run)) {
                gpus.release(run.gpuIds());
                capacity.give(run.request().resources());
            }
            updateHeld();
            failToStart(run.request(), error);
            startWaiting();
            maybeExit();
        });
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
                ended.add(run);
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
        ended.add(run);
        if (settleAtOnce) {
            agent.execute(this::settleEnded);
        }
    }

    // ---- agent thread ----

    /** Frees what runs that ended held, and starts what waited for them. */
    private void settleEnded() {
        RunProcess run = ended.poll();
        if (run == null) {
            return;
        }
        for (; run != null; run = ended.poll()) {
            if (runs.remove(run.runId(), run)) {
                gpus.release(run.gpuIds());
                capacity.give(run.request().resources());
            }
        }
        updateHeld();
        startWaiting();
        maybeExit();
    }

    private void updateSettleAtOnce() {
        settleAtOnce = !waiting.isEmpty() || drainReason != null || stopping;
    }

    /** Starts every waiting run that may start now, in the order they came; the others wait for the next end. */
    private void startWaiting() {
        if (waiting.isEmpty()) {
            return;
        }
        if (System.currentTimeMillis() >= link.lastHeardMillis() + spec.leaseMillis()) {
            return; // past the lease the scheduler may have staged them again: checkLease drops them
        }
        for (java.util.Iterator<Message.StartRun> it = waiting.values().iterator(); it.hasNext(); ) {
            Message.StartRun start = it.next();
            if (!runs.containsKey(start.runId()) && fitsNow(start)) {
                it.remove();
                launch(start);
            }
        }
        updateSettleAtOnce();
    }

    private boolean fitsNow(Message.StartRun start) {
        return capacity.fits(start.resources()) && gpus.available(start.gpuIds(), gpuCount(start));
    }

    private static long gpuCount(Message.StartRun start) {
        return start.resources() == null ? 0 : start.resources().getOrDefault("gpu", 0L);
    }

    /** Starts that wait here never start: each goes back to the scheduler, which stages it again. */
    private void returnWaiting(String why) {
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
        if ((drainReason != null || stopping) && runs.isEmpty() && connected) {
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
