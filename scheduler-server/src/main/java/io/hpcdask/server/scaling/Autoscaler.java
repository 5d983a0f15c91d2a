package io.hpcdask.server.scaling;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the number of workers of each profile at its target, from what the batch system and the workers report.
 * Pure: changed only by its event methods, time passed in, every effect sent through {@link ScalingEffects}.
 *
 * <p>Rules. A job counts toward its profile's target while it is pending or running and not retiring; submissions
 * under way count too, so nothing is submitted twice. A job that ends without being asked to (cancelled outside
 * hpc-dask, failed, timed out, vanished from the queue) is a loss: the shortfall is resubmitted after a backoff of
 * 0 s, 10 s, 1 min, then 5 min for consecutive losses, reset when a worker connects. When {@value #PAUSE_AFTER} jobs
 * (or submissions) in a row fail without a worker ever connecting, the profile pauses, with the reason, until its
 * target is set again. Scaling down cancels pending jobs first (newest first), then stops idle workers and cancels
 * their jobs, then drains busy ones. A worker whose lifetime is ending retires: it stops counting, so a replacement
 * is submitted ahead of time when the target needs it.
 *
 * <p>Adapting profiles ({@link #adapt}) have no fixed target: it follows {@link #demand}, the staged runs by shape.
 * Each shape goes to the first adapting profile, in {@link #profiles} order, whose worker fits it; a shape no profile
 * fits asks for nothing. A profile asks for the workers its runs need (packed first-fit by {@link WorkerPacking})
 * minus the empty workers on the way (jobs pending, or whose worker connected after the last demand), within
 * [min, max] and never with more than max-pending jobs pending. Scale-up is immediate; a pending job no longer needed
 * is cancelled at once, newest first; a connected worker goes only after idle-timeout with nothing to do while no
 * staged run fits its profile. A retiring worker stops counting, so it is replaced only while demand still asks.
 */
public final class Autoscaler {
    public static final int PAUSE_AFTER = 3;
    static final long[] BACKOFF_MILLIS = {0, 10_000, 60_000, 300_000};
    /** A job missing from this many polls in a row has ended, even if the batch system no longer says how. */
    static final int MISSING_POLLS_TO_END = 2;
    /** How long after a submission polling stays fast even when every job already has its worker. */
    static final long FAST_POLL_AFTER_SUBMISSION_MILLIS = 60_000;

    private final ScalingEffects out;
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Job> jobByWorker = new HashMap<>();
    private long lastSubmittedAt = Long.MIN_VALUE / 2;
    /** Profiles in configuration order: a shape that several fit goes to the first adapting one. */
    private final List<String> profileOrder = new ArrayList<>();
    private Map<Map<String, Long>, Integer> staged = Map.of();
    private List<Map<String, Long>> unplaceable = List.of();

    public Autoscaler(ScalingEffects out) {
        this.out = out;
    }

    // ---- events -------------------------------------------------------------------------------------------------

    public void setTarget(String profile, int target, long now) {
        if (target < 0) {
            throw new IllegalArgumentException("target must be >= 0, got " + target);
        }
        Pool pool = pool(profile);
        if (pool.adapt != null) {
            out.log("Profile " + profile + " no longer adapts: its target is set by hand");
            pool.adapt = null;
            plan(now);
        }
        pool.target = target;
        resume(pool);
        out.log("Scaling profile " + profile + " to " + target + " worker(s)");
        reconcile(pool, now);
    }

    /** What a worker of each profile offers, in configuration order; sent once, before any demand. */
    public void profiles(List<ProfileCapacity> capacities) {
        for (ProfileCapacity c : capacities) {
            pool(c.profile()).capacity = c;
            if (!profileOrder.contains(c.profile())) {
                profileOrder.add(c.profile());
            }
        }
    }

    /** The profile's worker count follows demand from now on, within {@code policy}. */
    public void adapt(String profile, AdaptPolicy policy, long now) {
        Pool pool = pool(profile);
        if (pool.capacity == null) {
            throw new IllegalArgumentException("profile " + profile + " has no known capacity");
        }
        pool.adapt = policy;
        resume(pool);
        out.log("Profile " + profile + " adapts to demand: " + policy.min() + " to " + policy.max() + " worker(s), idle-timeout "
                + policy.idleTimeoutMillis() / 1000 + "s" + (policy.maxPending() == AdaptPolicy.NO_PENDING_LIMIT ? ""
                : ", at most " + policy.maxPending() + " pending"));
        plan(now);
        reconcile(pool, now);
    }

    /** The profile stops adapting and keeps the workers it has (its target becomes their count). */
    public void adaptOff(String profile, long now) {
        Pool pool = pool(profile);
        if (pool.adapt == null) {
            return;
        }
        pool.adapt = null;
        pool.target = activeJobs(pool).size() + pool.inFlight;
        out.log("Profile " + profile + " no longer adapts; it keeps " + pool.target + " worker(s)");
        plan(now);
        reconcile(pool, now);
    }

    /**
     * The staged runs, counted by requirements, after the scheduler dispatched what it could to the workers connected
     * so far: runs that connected workers could take have started, so what is left is demand for new workers.
     */
    public void demand(Map<Map<String, Long>, Integer> stagedByShape, long now) {
        staged = Map.copyOf(stagedByShape);
        for (Job j : jobs.values()) {
            j.fresh = false; // this demand already counts what their workers took
        }
        plan(now);
        pools.values().forEach(p -> reconcile(p, now));
    }

    private void resume(Pool pool) {
        if (pool.pausedReason != null) {
            out.log("Resuming scaling of profile " + pool.profile + " (was paused: " + pool.pausedReason + ")");
        }
        pool.pausedReason = null;
        pool.failuresWithoutWorker = 0;
        pool.lossesInRow = 0;
    }

    public void submitted(String profile, int requested, List<String> jobIds, long now) {
        Pool pool = pool(profile);
        pool.inFlight -= requested;
        lastSubmittedAt = now;
        for (String id : jobIds) {
            Job j = new Job(id, profile, now);
            jobs.put(id, j);
        }
        out.log("Submitted " + jobIds.size() + " job(s) for profile " + profile + ": " + String.join(" ", jobIds));
        reconcile(pool, now);
    }

    public void submissionFailed(String profile, int requested, String error, long now) {
        Pool pool = pool(profile);
        pool.inFlight -= requested;
        pool.lastError = new Failure("submission failed: " + error, null, null, null);
        out.log("Submission of " + requested + " job(s) for profile " + profile + " failed: " + error);
        pool.lossesInRow++;
        failedWithoutWorker(pool, now);
        reconcile(pool, now);
    }

    /** A poll of every job this scaler tracks; jobs absent from {@code statuses} were not seen by the batch system. */
    public void polled(Map<String, JobStatus> statuses, long now) {
        for (Job j : new ArrayList<>(jobs.values())) {
            JobStatus s = statuses.get(j.id);
            if (s == null) {
                if (++j.missingPolls >= MISSING_POLLS_TO_END) {
                    ended(j, JobState.UNKNOWN, "no longer known to the batch system", now);
                }
                continue;
            }
            j.missingPolls = 0;
            j.reason = s.reason();
            if (s.state().isLive()) {
                j.state = s.state();
                if (s.state() == JobState.RUNNING && j.runningSince == null) {
                    j.runningSince = now;
                }
            } else {
                ended(j, s.state(), s.reason(), now);
            }
        }
        pools.values().forEach(p -> reconcile(p, now));
    }

    public void workerConnected(String jobId, String worker, long now) {
        Job j = jobs.get(jobId);
        if (j == null) {
            return; // not ours: a worker started by hand, or of a job already written off
        }
        j.worker = worker;
        j.everConnected = true;
        j.fresh = true;
        j.idleSince = now;
        j.state = JobState.RUNNING;
        if (j.runningSince == null) {
            j.runningSince = now; // connected between two polls
        }
        jobByWorker.put(worker, j);
        Pool pool = pool(j.profile);
        pool.failuresWithoutWorker = 0;
        pool.lossesInRow = 0;
        reconcile(pool, now);
    }

    public void workerLeft(String worker, long now) {
        Job j = jobByWorker.remove(worker);
        if (j != null) {
            j.worker = null;
            j.busy = false;
        }
    }

    public void workerBusy(String worker, boolean busy, long now) {
        Job j = jobByWorker.get(worker);
        if (j != null) {
            if (j.busy && !busy) {
                j.idleSince = now;
            }
            j.busy = busy;
        }
    }

    /** The worker has reached its lifetime grace period: it drains and exits by itself. */
    public void workerRetiring(String worker, long now) {
        Job j = jobByWorker.get(worker);
        if (j != null && !j.retiring) {
            j.retiring = true;
            out.log("Worker " + worker + " (job " + j.id + ") is retiring at the end of its lifetime");
            reconcile(pool(j.profile), now);
        }
    }

    /** Where a job's stdout and stderr go, as the batch system names them; either may be null. */
    public void jobOutput(String jobId, String stdoutFile, String stderrFile) {
        Job j = jobs.get(jobId);
        if (j != null) {
            j.stdoutFile = stdoutFile;
            j.stderrFile = stderrFile;
        }
    }

    public void tick(long now) {
        pools.values().forEach(p -> reconcile(p, now));
    }

    // ---- queries ------------------------------------------------------------------------------------------------

    /**
     * One live job. {@code runningSince} is when this scaler first saw it running (its own clock; null while never
     * seen running); {@code workerConnected} whether its worker ever connected ({@code worker} is the one connected
     * now). Fields added later are read as null/false from older servers' JSON.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record JobView(String jobId, String profile, JobState state, String reason, String worker, long submittedAt,
                          boolean retiring, Long runningSince, boolean workerConnected) {}

    /**
     * One profile's target and counts. {@code lastError} is the last failure in words (the batch system's reason and
     * the job's stderr tail when known); {@code lastErrorJob}, {@code lastErrorStdout} and {@code lastErrorStderr}
     * name the job it came from and its output files, when the batch system said where they are. {@code adapt} is
     * its adaptive bounds (null: a fixed target), {@code demand} the workers its staged runs ask for, {@code offers}
     * what one of its workers offers (null when unknown).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PoolView(String profile, int target, int pending, int running, int connected, int submitting,
                           String pausedReason, String lastError, String lastErrorJob, String lastErrorStdout,
                           String lastErrorStderr, AdaptPolicy adapt, int demand, Map<String, Long> offers) {
        public PoolView(String profile, int target, int pending, int running, int connected, int submitting,
                        String pausedReason, String lastError, String lastErrorJob, String lastErrorStdout,
                        String lastErrorStderr) {
            this(profile, target, pending, running, connected, submitting, pausedReason, lastError, lastErrorJob,
                    lastErrorStdout, lastErrorStderr, null, 0, null);
        }
    }

    public List<JobView> jobs() {
        List<JobView> out = new ArrayList<>();
        jobs.values().forEach(j -> out.add(new JobView(j.id, j.profile, j.state, j.reason, j.worker, j.submittedAt, j.retiring,
                j.runningSince, j.everConnected)));
        return out;
    }

    /**
     * Whether the batch system is worth polling often: a job is pending or running without its worker (its failure,
     * e.g. a worker that cannot reach the scheduler, should be seen within seconds), or a submission was just made.
     */
    public boolean wantsFastPolling(long now) {
        if (now - lastSubmittedAt < FAST_POLL_AFTER_SUBMISSION_MILLIS) {
            return true;
        }
        for (Job j : jobs.values()) {
            if (!j.retiring && j.worker == null) { // pending, or running without its worker
                return true;
            }
        }
        return false;
    }

    public List<PoolView> pools() {
        List<PoolView> out = new ArrayList<>();
        for (Pool p : pools.values()) {
            int pending = 0;
            int running = 0;
            int connected = 0;
            for (Job j : jobs.values()) {
                if (j.profile.equals(p.profile)) {
                    pending += j.state == JobState.PENDING ? 1 : 0;
                    running += j.state == JobState.RUNNING ? 1 : 0;
                    connected += j.worker != null ? 1 : 0;
                }
            }
            Failure f = p.lastError;
            out.add(new PoolView(p.profile, p.target, pending, running, connected, p.inFlight, p.pausedReason,
                    f == null ? null : f.text, f == null ? null : f.jobId, f == null ? null : f.stdoutFile,
                    f == null ? null : f.stderrFile, p.adapt, p.needed, p.capacity == null ? null : p.capacity.resources()));
        }
        return out;
    }

    /** Requirements of staged runs that no profile's worker could ever take, from the last demand. */
    public List<Map<String, Long>> unplaceable() {
        return unplaceable;
    }

    /** Every job still in the batch system's queue, for {@code cluster down}. */
    public List<String> liveJobIds() {
        return new ArrayList<>(jobs.keySet());
    }

    // ---- decisions ----------------------------------------------------------------------------------------------

    private void ended(Job j, JobState state, String reason, long now) {
        jobs.remove(j.id);
        if (j.worker != null) {
            jobByWorker.remove(j.worker);
        }
        Pool pool = pool(j.profile);
        if (j.retiring) {
            return; // asked for: scaled down or lifetime reached
        }
        String what = "job " + j.id + " of profile " + j.profile + " ended " + state
                + (reason == null || reason.isBlank() ? "" : " (" + reason + ")");
        out.log("Lost " + what + (j.everConnected ? "" : " before its worker connected") + outputFiles(j));
        pool.lossesInRow++;
        pool.lastLossAt = now;
        if (!j.everConnected) {
            pool.lastError = new Failure(what + " before its worker connected", j.id, j.stdoutFile, j.stderrFile);
            failedWithoutWorker(pool, now);
        }
    }

    private void failedWithoutWorker(Pool pool, long now) {
        pool.failuresWithoutWorker++;
        pool.lastLossAt = now;
        if (pool.failuresWithoutWorker >= PAUSE_AFTER && pool.pausedReason == null) {
            pool.pausedReason = pool.failuresWithoutWorker + " jobs in a row failed without a worker connecting; last: "
                    + pool.lastError.text;
            out.log("Pausing scaling of profile " + pool.profile + ": " + pool.pausedReason);
            out.paused(pool.profile);
        }
    }

    private List<Job> activeJobs(Pool pool) {
        List<Job> active = new ArrayList<>();
        for (Job j : jobs.values()) {
            if (j.profile.equals(pool.profile) && !j.retiring) {
                active.add(j);
            }
        }
        return active;
    }

    /** Which adapting profile each staged shape asks for, and how many workers that makes per profile. */
    private void plan(long now) {
        Map<Pool, List<WorkerPacking.Runs>> assigned = new LinkedHashMap<>();
        List<Map<String, Long>> nowhere = new ArrayList<>();
        for (Pool p : pools.values()) {
            p.needed = 0;
            p.stagedFitsBefore = p.stagedFits;
            p.stagedFits = false;
        }
        List<Map.Entry<Map<String, Long>, Integer>> shapes = new ArrayList<>(staged.entrySet());
        shapes.sort(Comparator.comparing(e -> new java.util.TreeMap<>(e.getKey()).toString()));
        for (Map.Entry<Map<String, Long>, Integer> e : shapes) {
            if (e.getValue() <= 0) {
                continue;
            }
            Pool chosen = null;
            boolean anyFits = false;
            for (String name : profileOrder) {
                Pool p = pools.get(name);
                if (p.capacity.fits(e.getKey())) {
                    anyFits = true;
                    p.stagedFits = true;
                    if (chosen == null && p.adapt != null) {
                        chosen = p;
                    }
                }
            }
            if (!anyFits) {
                nowhere.add(e.getKey());
            }
            if (chosen != null) {
                assigned.computeIfAbsent(chosen, p -> new ArrayList<>()).add(new WorkerPacking.Runs(e.getKey(), e.getValue()));
            }
        }
        assigned.forEach((p, runs) -> p.needed = WorkerPacking.workersFor(p.capacity, runs, p.adapt.max()));
        for (Pool p : pools.values()) {
            if (p.stagedFitsBefore && !p.stagedFits) {
                p.demandEndedAt = now; // idle workers count their idle-timeout from here at the earliest
            }
        }
        unplaceable = List.copyOf(nowhere);
    }

    private void reconcile(Pool pool, long now) {
        if (pool.adapt != null) {
            reconcileAdaptive(pool, now);
            return;
        }
        List<Job> active = activeJobs(pool);
        int live = active.size() + pool.inFlight;
        if (live < pool.target) {
            if (pool.pausedReason == null && now >= nextSubmissionAt(pool)) {
                int count = pool.target - live;
                pool.inFlight += count;
                out.submit(pool.profile, count);
            }
        } else if (active.size() > pool.target && pool.inFlight == 0) {
            shrink(pool, active, active.size() - pool.target);
        }
    }

    private void reconcileAdaptive(Pool pool, long now) {
        AdaptPolicy a = pool.adapt;
        List<Job> active = activeJobs(pool);
        int live = active.size() + pool.inFlight;
        int onTheWay = pool.inFlight; // empty workers coming: not yet counted by the last demand
        int pending = pool.inFlight;
        for (Job j : active) {
            if (j.worker == null || j.fresh) {
                onTheWay++;
            }
            if (j.worker == null && j.state == JobState.PENDING) {
                pending++;
            }
        }
        int up = Math.max(pool.needed - onTheWay, a.min() - live);
        up = Math.min(up, a.max() - live);
        up = Math.min(up, a.maxPending() - pending);
        pool.target = Math.max(a.min(), Math.min(a.max(), live - onTheWay + pool.needed));
        if (up > 0) {
            if (pool.pausedReason == null && now >= nextSubmissionAt(pool)) {
                pool.inFlight += up;
                out.submit(pool.profile, up);
            }
            return;
        }
        if (pool.inFlight > 0) {
            return; // what is under way cannot be recalled; decide once it is known
        }
        if (active.size() > a.max()) {
            shrink(pool, active, active.size() - a.max());
            return;
        }
        int spare = Math.min(onTheWay - pool.needed, active.size() - a.min());
        List<Job> unneeded = new ArrayList<>();
        for (Job j : active) {
            if (j.worker == null && j.state == JobState.PENDING) {
                unneeded.add(j);
            }
        }
        unneeded.sort(Comparator.comparingLong((Job j) -> j.submittedAt).reversed());
        List<String> cancel = new ArrayList<>();
        for (Job j : unneeded) {
            if (spare <= 0) {
                break;
            }
            j.retiring = true;
            cancel.add(j.id);
            spare--;
        }
        if (!cancel.isEmpty()) {
            out.log("Cancelling pending job(s) " + String.join(" ", cancel) + " of profile " + pool.profile
                    + ": no longer needed (staged runs need " + pool.needed + " new worker(s), " + onTheWay + " on the way)");
        }
        int stoppable = active.size() - cancel.size() - a.min();
        if (!pool.stagedFits) {
            for (Job j : active) {
                if (stoppable <= 0) {
                    break;
                }
                if (j.worker != null && !j.busy && !j.retiring
                        && now - Math.max(j.idleSince, pool.demandEndedAt) >= a.idleTimeoutMillis()) {
                    out.log("Stopping worker " + j.worker + " (job " + j.id + ") of profile " + pool.profile + ": idle for "
                            + (now - Math.max(j.idleSince, pool.demandEndedAt)) / 1000 + "s with no staged run for it");
                    j.retiring = true;
                    out.stop(j.worker);
                    cancel.add(j.id);
                    stoppable--;
                }
            }
        }
        if (!cancel.isEmpty()) {
            out.cancel(pool.profile, cancel);
        }
    }

    /** The earliest idle-timeout still to come after {@code now} of an adapting profile's worker, or Long.MAX_VALUE. */
    public long nextIdleDeadline(long now) {
        long next = Long.MAX_VALUE;
        for (Job j : jobs.values()) {
            Pool p = pools.get(j.profile);
            if (p.adapt != null && j.worker != null && !j.busy && !j.retiring) {
                long due = Math.max(j.idleSince, p.demandEndedAt) + p.adapt.idleTimeoutMillis();
                if (due > now) {
                    next = Math.min(next, due);
                }
            }
        }
        return next;
    }

    private long nextSubmissionAt(Pool pool) {
        if (pool.lossesInRow == 0) {
            return Long.MIN_VALUE;
        }
        return pool.lastLossAt + BACKOFF_MILLIS[Math.min(pool.lossesInRow, BACKOFF_MILLIS.length) - 1];
    }

    private void shrink(Pool pool, List<Job> active, int excess) {
        List<Job> pending = new ArrayList<>();
        List<Job> idle = new ArrayList<>();
        List<Job> busy = new ArrayList<>();
        for (Job j : active) {
            (j.worker == null ? pending : j.busy ? busy : idle).add(j);
        }
        pending.sort(Comparator.comparingLong((Job j) -> j.submittedAt).reversed());
        List<String> cancel = new ArrayList<>();
        for (Job j : pending) {
            if (excess == 0) {
                break;
            }
            j.retiring = true;
            cancel.add(j.id);
            excess--;
        }
        for (Job j : idle) {
            if (excess == 0) {
                break;
            }
            j.retiring = true;
            out.stop(j.worker);
            cancel.add(j.id);
            excess--;
        }
        if (!cancel.isEmpty()) {
            out.cancel(pool.profile, cancel);
        }
        for (Job j : busy) {
            if (excess == 0) {
                break;
            }
            j.retiring = true;
            out.drain(j.worker);
            excess--;
        }
    }

    private static String outputFiles(Job j) {
        if (j.stderrFile == null || j.stderrFile.equals(j.stdoutFile)) {
            return j.stdoutFile == null ? "" : "; output in " + j.stdoutFile;
        }
        return j.stdoutFile == null ? "; stderr in " + j.stderrFile : "; stdout in " + j.stdoutFile + ", stderr in " + j.stderrFile;
    }

    private Pool pool(String profile) {
        return pools.computeIfAbsent(profile, Pool::new);
    }

    private static final class Pool {
        final String profile;
        int target;
        int inFlight;
        int lossesInRow;
        long lastLossAt;
        int failuresWithoutWorker;
        String pausedReason;
        Failure lastError;
        AdaptPolicy adapt;
        ProfileCapacity capacity;
        /** Workers the staged runs given to this profile need (adapting profiles only). */
        int needed;
        /** Whether some staged run fits an empty worker of this profile, and since when none does. */
        boolean stagedFits;
        boolean stagedFitsBefore;
        long demandEndedAt = Long.MIN_VALUE / 2;

        Pool(String profile) {
            this.profile = profile;
        }
    }

    private static final class Job {
        final String id;
        final String profile;
        final long submittedAt;
        JobState state = JobState.PENDING;
        String reason;
        String worker;
        boolean everConnected;
        boolean retiring;
        boolean busy;
        /** Connected after the last demand: the runs it takes are still counted there, so it counts as empty. */
        boolean fresh;
        long idleSince;
        int missingPolls;
        Long runningSince;
        String stdoutFile;
        String stderrFile;

        Job(String id, String profile, long submittedAt) {
            this.id = id;
            this.profile = profile;
            this.submittedAt = submittedAt;
        }
    }

    private record Failure(String text, String jobId, String stdoutFile, String stderrFile) {}
}
