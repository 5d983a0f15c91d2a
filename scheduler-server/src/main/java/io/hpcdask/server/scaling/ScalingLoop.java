package io.hpcdask.server.scaling;

import io.hpcdask.server.metrics.ServerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Autoscaler} on one thread of its own, because submitting, polling and cancelling go to a batch
 * system (often over SSH) and may take seconds; the scheduler's event loop only enqueues events here. Polls every
 * {@code pollMillis} (15 s by default), every {@code fastPollMillis} while {@link Autoscaler#wantsFastPolling} (a job
 * pending or without its worker, or a submission in the last minute).
 */
public final class ScalingLoop implements WorkerObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("hpc-dask.scaling");

    /** What became of the first submission a {@link #scale} call caused: job ids, or the batch system's error. */
    public record ScaleOutcome(List<String> submitted, String error) {}

    private final Provisioner provisioner;
    private final WorkerControl workers;
    private final LongSupplier clock;
    private final long pollMillis;
    private final long fastPollMillis;
    private final ScheduledExecutorService thread;
    private final Autoscaler scaler;
    private final List<Runnable> effects = new ArrayList<>();
    private final Map<String, List<CompletableFuture<ScaleOutcome>>> waitingForSubmission = new java.util.HashMap<>();
    private ScheduledFuture<?> nextPoll;
    private volatile ServerMetrics metrics;

    public ScalingLoop(Provisioner provisioner, WorkerControl workers, LongSupplier clock, long pollMillis, long fastPollMillis) {
        this.provisioner = provisioner;
        this.workers = workers;
        this.clock = clock;
        this.pollMillis = pollMillis;
        this.fastPollMillis = fastPollMillis;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hpc-dask-scaling");
            t.setDaemon(true);
            return t;
        });
        this.scaler = new Autoscaler(new Effects());
        schedulePoll(pollMillis);
    }

    /** Counts submissions and pauses in the scheduler's metrics from now on. */
    public void countIn(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Sets a profile's target. The future completes when the first submission this causes has an answer (at once
     * when none is needed), so {@code scale} can show a batch system's refusal verbatim.
     */
    public CompletableFuture<ScaleOutcome> scale(String profile, int target) {
        return change(profile, now -> scaler.setTarget(profile, target, now));
    }

    private CompletableFuture<ScaleOutcome> change(String profile, TimedEvent change) {
        CompletableFuture<ScaleOutcome> done = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                change.apply(clock.getAsLong());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (effects.stream().anyMatch(e -> e instanceof Submit s && s.profile.equals(profile))) {
                waitingForSubmission.computeIfAbsent(profile, p -> new ArrayList<>()).add(done);
            } else {
                done.complete(new ScaleOutcome(List.of(), null));
            }
            runEffects();
        });
        return done;
    }

    /** What a worker of each profile offers, in configuration order: adapting profiles plan with it. */
    public void profiles(List<ProfileCapacity> capacities) {
        thread.execute(() -> scaler.profiles(capacities));
    }

    /**
     * Makes a profile adapt to demand ({@code policy} null: stop adapting, keeping its workers). Completes like
     * {@link #scale}, once the first submission it causes has an answer.
     */
    public CompletableFuture<ScaleOutcome> adapt(String profile, AdaptPolicy policy) {
        return change(profile, now -> {
            if (policy == null) {
                scaler.adaptOff(profile, now);
            } else {
                scaler.adapt(profile, policy, now);
            }
        });
    }

    @Override
    public void demand(Map<Map<String, Long>, Integer> stagedByShape) {
        event(now -> scaler.demand(stagedByShape, now));
    }

    /** Requirements of staged runs that no profile's worker could ever take, as of the last demand. */
    public CompletableFuture<List<Map<String, Long>>> unplaceable() {
        return CompletableFuture.supplyAsync(scaler::unplaceable, thread);
    }

    @Override
    public void connected(String worker, String jobId) {
        if (jobId != null) {
            event(now -> scaler.workerConnected(jobId, worker, now));
        }
    }

    @Override
    public void left(String worker) {
        event(now -> scaler.workerLeft(worker, now));
    }

    @Override
    public void busy(String worker, boolean busy) {
        event(now -> scaler.workerBusy(worker, busy, now));
    }

    @Override
    public void retiring(String worker) {
        event(now -> scaler.workerRetiring(worker, now));
    }

    @Override
    public void fence(String worker, String jobId) {
        thread.execute(() -> {
            try {
                LOG.info("Fencing worker {}: cancelling its job {}", worker, jobId);
                provisioner.cancel(List.of(jobId));
            } catch (ProvisionException | RuntimeException e) {
                LOG.warn("Fencing worker {}: cancelling job {} failed (it may have ended already): {}", worker, jobId,
                        e.getMessage());
            }
        });
    }

    public CompletableFuture<List<Autoscaler.PoolView>> pools() {
        return CompletableFuture.supplyAsync(scaler::pools, thread);
    }

    public CompletableFuture<List<Autoscaler.JobView>> jobs() {
        return CompletableFuture.supplyAsync(scaler::jobs, thread);
    }

    /** Polls now (after a submission, or on request). */
    public void pollNow() {
        thread.execute(this::poll);
    }

    /**
     * Cancels every job of the cluster, pending ones included, and waits until the batch system no longer lists any
     * of them as live (or the timeout passes). Returns the ids still live.
     */
    public List<String> cancelAll(long timeoutMillis) throws InterruptedException {
        CompletableFuture<List<String>> result = CompletableFuture.supplyAsync(() -> {
            List<String> ids = scaler.liveJobIds();
            for (Autoscaler.PoolView p : scaler.pools()) {
                scaler.setTarget(p.profile(), 0, clock.getAsLong());
            }
            effects.clear(); // all jobs go below; per-worker stops are moot once their jobs are cancelled
            if (ids.isEmpty()) {
                return List.of();
            }
            long deadline = clock.getAsLong() + timeoutMillis;
            List<String> live = ids;
            while (true) {
                try {
                    provisioner.cancel(live);
                } catch (ProvisionException e) {
                    LOG.warn("Cancelling jobs {} failed: {}", live, e.getMessage());
                }
                try {
                    Map<String, JobStatus> states = provisioner.poll(live);
                    live = states.values().stream().filter(s -> s.state().isLive()).map(JobStatus::jobId).toList();
                } catch (ProvisionException e) {
                    LOG.warn("Polling jobs {} failed: {}", live, e.getMessage());
                }
                if (live.isEmpty() || clock.getAsLong() >= deadline) {
                    return live;
                }
                sleep(1_000);
            }
        }, thread);
        try {
            return result.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        provisioner.close();
    }

    // ---- on the scaling thread ------------------------------------------------------------------------------------

    private interface TimedEvent {
        void apply(long now);
    }

    private void event(TimedEvent e) {
        thread.execute(() -> {
            e.apply(clock.getAsLong());
            runEffects();
        });
    }

    private void poll() {
        List<String> ids = scaler.liveJobIds();
        if (!ids.isEmpty()) {
            try {
                Map<String, JobStatus> states = provisioner.poll(ids);
                Map<String, JobStatus> enriched = new java.util.HashMap<>(states);
                states.forEach((id, s) -> {
                    if (!s.state().isLive()) {
                        Diagnosis d = provisioner.diagnose(id);
                        if (d == null) {
                            return;
                        }
                        scaler.jobOutput(id, d.stdoutFile(), d.stderrFile());
                        if (d.detail() != null && !d.detail().isBlank()) {
                            enriched.put(id, new JobStatus(id, s.state(), join(s.reason(), d.detail())));
                        }
                    }
                });
                scaler.polled(enriched, clock.getAsLong());
            } catch (ProvisionException e) {
                LOG.warn("Polling the batch system failed: {}", e.getMessage());
            }
        }
        scaler.tick(clock.getAsLong());
        runEffects();
        long now = clock.getAsLong();
        long delay = scaler.wantsFastPolling(now) ? fastPollMillis : pollMillis;
        long idleDue = scaler.nextIdleDeadline(now);
        if (idleDue != Long.MAX_VALUE) {
            delay = Math.max(1, Math.min(delay, idleDue - now)); // an idle worker is stopped on time, not a poll late
        }
        schedulePoll(delay);
    }

    private void schedulePoll(long delay) {
        if (nextPoll != null) {
            nextPoll.cancel(false);
        }
        nextPoll = thread.schedule(this::poll, delay, TimeUnit.MILLISECONDS);
    }

    private void runEffects() {
        while (!effects.isEmpty()) {
            List<Runnable> batch = new ArrayList<>(effects);
            effects.clear();
            batch.forEach(Runnable::run);
        }
    }

    private static String join(String reason, String more) {
        return reason == null || reason.isBlank() ? more : reason + "; " + more;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void count(java.util.function.Consumer<ServerMetrics> what) {
        ServerMetrics m = metrics;
        if (m != null) {
            what.accept(m);
        }
    }

    private final class Submit implements Runnable {
        final String profile;
        final int count;

        Submit(String profile, int count) {
            this.profile = profile;
            this.count = count;
        }

        @Override
        public void run() {
            ScaleOutcome outcome;
            try {
                List<String> ids = provisioner.submit(profile, count);
                count(m -> m.jobsSubmitted(profile));
                scaler.submitted(profile, count, ids, clock.getAsLong());
                outcome = new ScaleOutcome(ids, null);
                schedulePoll(fastPollMillis);
            } catch (ProvisionException | RuntimeException e) {
                count(m -> m.jobSubmissionFailed(profile));
                scaler.submissionFailed(profile, count, e.getMessage(), clock.getAsLong());
                outcome = new ScaleOutcome(List.of(), e.getMessage());
            }
            List<CompletableFuture<ScaleOutcome>> waiting = waitingForSubmission.remove(profile);
            if (waiting != null) {
                for (CompletableFuture<ScaleOutcome> f : waiting) {
                    f.complete(outcome);
                }
            }
        }
    }

    /** Effects are queued, then run after the autoscaler's event returns, so it is never re-entered. */
    private final class Effects implements ScalingEffects {
        @Override
        public void submit(String profile, int count) {
            effects.add(new Submit(profile, count));
        }

        @Override
        public void cancel(String profile, List<String> jobIds) {
            effects.add(() -> {
                try {
                    provisioner.cancel(jobIds);
                } catch (ProvisionException e) {
                    LOG.warn("Cancelling jobs {} of profile {} failed: {}", jobIds, profile, e.getMessage());
                }
            });
        }

        @Override
        public void drain(String worker) {
            effects.add(() -> workers.drain(worker));
        }

        @Override
        public void stop(String worker) {
            effects.add(() -> workers.drainIdle(worker));
        }

        @Override
        public void log(String line) {
            LOG.info(line);
        }

        @Override
        public void paused(String profile) {
            count(m -> m.scalingPaused(profile));
        }
    }

}
