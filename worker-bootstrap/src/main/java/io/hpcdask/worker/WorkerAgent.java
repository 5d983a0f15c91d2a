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
    private static final long TICK_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);

    private final WorkerSpec spec;
    private final ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent"));
    private final ExecutorService processThreads = Executors.newCachedThreadPool(r -> daemon(r, "run-io"));
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final SchedulerLink link;
    private final GpuPool gpus;
    // agent-thread state
    private final Map<String, RunProcess> runs = new ConcurrentHashMap<>(); // also read by the shutdown hook
    private volatile List<String> heldRunIds = List.of();
    private boolean connected;
    private long disconnectedSince;
    private String drainReason;
    private boolean stopping;

    WorkerAgent(WorkerSpec spec) {
        this.spec = spec;
        this.gpus = new GpuPool(spec.gpuIds());
        this.link = new SchedulerLink(spec, () -> heldRunIds, this);
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
            killAllNow();
        }, "kill-runs"));
        link.start();
        agent.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        int code = exit.join();
        link.close();
        agent.shutdownNow();
        return code;
    }

    // ---- link events (network thread) ----

    @Override
    public void connected(Message.Welcome welcome) {
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
        });
    }

    @Override
    public void refused(String reason) {
        LOG.error("Scheduler at {} refused this worker: {}", spec.scheduler(), reason);
        agent.execute(() -> finish(EXIT_REFUSED));
    }

    @Override
    public void received(Message message) {
        agent.execute(() -> handle(message));
    }

    // ---- run events (process threads) ----

    @Override
    public void output(String runId, String stream, byte[] data) {
        try {
            link.sendOutput(new Message.RunOutput(runId, stream, data));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void finished(RunProcess run, Message.RunFinished result) {
        if (result.terminated() && !run.killedByWorker()) {
            // A signal this worker did not send. When the batch system ends the whole job (scancel, walltime, node
            // failure) it signals the run and this JVM together: the run must then be re-staged, not recorded as
            // terminated, so its result is held back and dropped if this worker is going down too.
            agent.schedule(() -> {
                if (shuttingDown) {
                    LOG.info("Run {} was killed with this worker's job; the scheduler re-stages it", run.runId());
                } else {
                    link.send(result);
                }
            }, FOREIGN_SIGNAL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            link.send(result); // from the run's own thread, so it follows all of the run's output
        }
        agent.execute(() -> {
            runs.remove(run.runId());
            gpus.release(run.gpuIds());
            updateHeld();
            LOG.debug("Run {} ended with exit code {}{}", run.runId(), result.exitCode(),
                    result.terminated() ? " (terminated)" : "");
            maybeExit();
        });
    }

    // ---- agent thread ----

    private void handle(Message message) {
        if (message instanceof Message.StartRun start) {
            startRun(start);
        } else if (message instanceof Message.CancelRun cancel) {
            RunProcess run = runs.get(cancel.runId());
            if (run != null) {
                LOG.info("Cancelling run {}", cancel.runId());
                run.kill(agent);
            } else {
                // the scheduler thinks it runs here: say it does not, so the cancel ends it there (a run that just
                // ended was reported before this, so the scheduler ignores this second report)
                LOG.info("Asked to cancel run {}, which is not running here", cancel.runId());
                link.send(new Message.RunFinished(cancel.runId(), -1, true, NOT_HELD));
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
            return;
        }
        if (runs.containsKey(start.runId())) {
            LOG.warn("Run {} is already running here; ignoring a second start", start.runId());
            return;
        }
        if (drainReason != null) {
            // the scheduler sent this before it heard we drain; running it is better than losing it
            LOG.info("Starting run {} although draining ({})", start.runId(), drainReason);
        }
        long gpuCount = start.resources() == null ? 0 : start.resources().getOrDefault("gpu", 0L);
        List<String> gpuIds = gpus.take(start.gpuIds(), gpuCount);
        if (gpuIds == null) {
            failToStart(start.runId(), "needs " + gpuCount + " GPU(s) but only " + gpus.freeCount() + " are free here");
            return;
        }
        try {
            RunProcess run = RunProcess.start(start, gpuIds, spec.workDirectory(), processThreads, this);
            runs.put(start.runId(), run);
            updateHeld();
            link.send(new Message.RunStarted(start.runId(), run.pid()));
            LOG.debug("Started run {} as pid {}", start.runId(), run.pid());
        } catch (IOException e) {
            gpus.release(gpuIds);
            failToStart(start.runId(), e.getMessage());
        }
    }

    private void failToStart(String runId, String error) {
        LOG.warn("Run {} could not start: {}", runId, error);
        byte[] note = ("hpc-dask worker: run could not start: " + error + "\n").getBytes(StandardCharsets.UTF_8);
        link.send(new Message.RunOutput(runId, "stderr", note));
        link.send(new Message.RunFinished(runId, 127, false, error));
    }

    private void updateHeld() {
        heldRunIds = List.copyOf(runs.keySet());
    }

    private void drain(String reason) {
        if (drainReason == null) {
            drainReason = reason;
            LOG.info("Draining: {}", reason);
            link.send(new Message.Draining(reason));
        }
        maybeExit();
    }

    private void stop() {
        stopping = true;
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
        long now = System.currentTimeMillis();
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
            ProcessGroups.signal(run.pid(), "KILL");
        }
    }
}
