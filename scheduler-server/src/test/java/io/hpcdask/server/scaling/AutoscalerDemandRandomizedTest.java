package io.hpcdask.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Adaptive profiles against a simulated batch system and a simulated scheduler core, under demand curves: bursts,
 * trickles, a long tail of slow runs, mixed cpu and gpu runs, and runs no profile can take. After every event: no
 * more than max-pending jobs pending, no more than max live, no pending job cancelled while demand still needed it,
 * no job cancelled with demand unchanged since its submission, no idle worker stopped while a staged run fits it.
 * Once demand ends: every run that can run has run, and each profile is back at its min within idle-timeout and a poll.
 */
class AutoscalerDemandRandomizedTest {
    static final long IDLE = 60_000;
    static final long POLL = 15_000;
    static final Map<String, Long> CPU = Map.of("cores", 1L);
    static final Map<String, Long> GPU = Map.of("gpu", 1L);
    static final Map<String, Long> FPGA = Map.of("fpga", 1L);
    static final ProfileCapacity CPU_WORKER = new ProfileCapacity("cpu", Map.of("cores", 1L), 1);
    static final ProfileCapacity GPU_WORKER = new ProfileCapacity("gpu", Map.of("cores", 2L, "gpu", 2L), 2);

    static final class SimRun {
        final Map<String, Long> requires;
        final long duration;
        long endsAt;

        SimRun(Map<String, Long> requires, long duration) {
            this.requires = requires;
            this.duration = duration;
        }
    }

    static final class SimJob {
        final String id;
        final String profile;
        final long submittedAt;
        final int demandVersion;
        JobState state = JobState.PENDING;
        boolean connected;
        /** Connected since the last dispatch: the staged runs it will take still count as demand. */
        boolean fresh;
        boolean draining;
        /** A poll has shown its end: until then the scaler cannot know that the job failed. */
        boolean endSeen;
        final List<SimRun> runs = new ArrayList<>();

        SimJob(String id, String profile, long submittedAt, int demandVersion) {
            this.id = id;
            this.profile = profile;
            this.submittedAt = submittedAt;
            this.demandVersion = demandVersion;
        }

        ProfileCapacity capacity() {
            return profile.equals("cpu") ? CPU_WORKER : GPU_WORKER;
        }

        boolean fits(SimRun r) {
            if (runs.size() >= capacity().slots()) {
                return false;
            }
            for (var e : r.requires.entrySet()) {
                long used = runs.stream().mapToLong(x -> x.requires.getOrDefault(e.getKey(), 0L)).sum();
                if (used + e.getValue() > capacity().offer(e.getKey())) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The world: batch queue, workers and a first-fit core, checking every effect the autoscaler asks for. */
    static final class World implements ScalingEffects {
        final Map<String, AdaptPolicy> policy = new HashMap<>();
        final Map<String, SimJob> jobs = new LinkedHashMap<>();
        final ArrayDeque<Object[]> submits = new ArrayDeque<>();
        final Map<String, Integer> inFlight = new HashMap<>();
        final List<SimRun> staged = new ArrayList<>();
        /** Bumped whenever staged runs of the profile's shapes go down. */
        final Map<String, Integer> demandVersion = new HashMap<>();
        final ArrayDeque<String> stops = new ArrayDeque<>();
        Map<Map<String, Long>, Integer> lastDemand = Map.of();
        int nextId = 1;
        int finished;
        long now;

        @Override
        public void submit(String profile, int count) {
            AdaptPolicy a = policy.get(profile);
            long settled = jobs.values().stream().filter(x -> x.profile.equals(profile) && x.state.isLive() && x.connected
                    && !x.fresh && !x.draining).count();
            long coming = live(profile) - settled;
            assertThat(coming + count).as("workers coming for %s after a submission at %s (%s needed)", profile, now,
                    need(profile)).isLessThanOrEqualTo(Math.max(need(profile), a.min() - settled));
            submits.add(new Object[] {profile, count, demandVersion.getOrDefault(profile, 0)});
            inFlight.merge(profile, count, Integer::sum);
        }

        @Override
        public void cancel(String profile, List<String> ids) {
            for (String id : ids) {
                SimJob j = jobs.get(id);
                if (j == null) {
                    fail("cancel of a job never submitted: " + id);
                }
                if (j.state == JobState.PENDING && !j.connected) {
                    int need = need(profile);
                    int connectedActive = (int) jobs.values().stream().filter(x -> x.profile.equals(profile)
                            && x.state.isLive() && x.connected && !x.fresh && !x.draining).count();
                    int coming = (int) jobs.values().stream().filter(x -> x != j && x.profile.equals(profile)
                            && (x.state.isLive() || !x.endSeen) && (!x.connected || x.fresh) && !x.draining).count()
                            + inFlight.getOrDefault(profile, 0);
                    int wanted = Math.min(need, policy.get(profile).max() - connectedActive);
                    assertThat(coming).as("job %s cancelled at %s while %s staged run(s) still needed it", id, now, need)
                            .isGreaterThanOrEqualTo(wanted);
                    assertThat(j.demandVersion != demandVersion.getOrDefault(profile, 0) || now - j.submittedAt >= IDLE)
                            .as("job %s submitted at %s cancelled at %s with demand unchanged", id, j.submittedAt, now).isTrue();
                }
                if (j.connected && !j.runs.isEmpty()) {
                    fail("job " + id + " cancelled with runs on its worker");
                }
                j.draining = true;
                if (j.state.isLive()) {
                    j.state = JobState.CANCELLED;
                }
            }
        }

        @Override
        public void drain(String worker) {
            jobs.get(worker.substring(1)).draining = true;
        }

        @Override
        public void stop(String worker) {
            SimJob j = jobs.get(worker.substring(1));
            assertThat(j.runs).as("stopped worker %s is idle", worker).isEmpty();
            for (SimRun r : staged) {
                if (j.capacity().fits(r.requires)) {
                    fail("worker " + worker + " stopped at " + now + " while staged run " + r.requires + " fits it");
                }
            }
            j.draining = true;
            stops.add(worker);
        }

        @Override
        public void log(String line) {
            if (Boolean.getBoolean("adapt.trace")) {
                System.out.println(now + " " + line);
            }
        }

        /** New workers the profile's staged runs need, counted independently: cores=1 prefers cpu, gpu=1 only gpu. */
        int need(String profile) {
            long cpuRuns = staged.stream().filter(r -> r.requires.equals(CPU)).count();
            long gpuRuns = staged.stream().filter(r -> r.requires.equals(GPU)).count();
            if (profile.equals("cpu")) {
                return (int) Math.min(cpuRuns, policy.get("cpu").max());
            }
            return (int) Math.min((gpuRuns + 1) / 2, policy.get("gpu").max());
        }

        Map<Map<String, Long>, Integer> demand() {
            Map<Map<String, Long>, Integer> m = new HashMap<>();
            staged.forEach(r -> m.merge(r.requires, 1, Integer::sum));
            return m;
        }

        void stage(SimRun r) {
            staged.add(r);
        }

        /** The core dispatches first-fit in staging order; true when staged runs went down. */
        boolean dispatch(Autoscaler scaler) {
            boolean any = false;
            for (Iterator<SimRun> it = staged.iterator(); it.hasNext(); ) {
                SimRun r = it.next();
                for (SimJob j : jobs.values()) {
                    if (j.connected && !j.draining && j.state == JobState.RUNNING && j.fits(r)) {
                        if (j.runs.isEmpty()) {
                            scaler.workerBusy("w" + j.id, true, now);
                        }
                        j.runs.add(r);
                        r.endsAt = now + r.duration;
                        it.remove();
                        any = true;
                        bump(r.requires);
                        break;
                    }
                }
            }
            return any;
        }

        void bump(Map<String, Long> shape) {
            if (shape.equals(CPU)) {
                demandVersion.merge("cpu", 1, Integer::sum);
            }
            if (shape.equals(CPU) || shape.equals(GPU)) {
                demandVersion.merge("gpu", 1, Integer::sum);
            }
        }

        Map<String, JobStatus> poll() {
            Map<String, JobStatus> m = new HashMap<>();
            jobs.forEach((id, j) -> {
                m.put(id, new JobStatus(id, j.state, j.state.name()));
                j.endSeen = !j.state.isLive();
            });
            return m;
        }

        long pending(String profile) {
            return jobs.values().stream().filter(j -> j.profile.equals(profile) && j.state == JobState.PENDING).count()
                    + inFlight.getOrDefault(profile, 0);
        }

        long live(String profile) {
            return jobs.values().stream().filter(j -> j.profile.equals(profile) && j.state.isLive() && !j.draining).count()
                    + inFlight.getOrDefault(profile, 0);
        }
    }

    @RepeatedTest(10)
    void adaptingProfilesFollowDemandWithoutFlapping() {
        long seed = Long.getLong("adapt.seed", new Random().nextLong()); // -Dadapt.seed=N replays a failure
        System.out.println("AutoscalerDemandRandomizedTest seed " + seed);
        Random rnd = new Random(seed);
        World w = new World();
        Autoscaler scaler = new Autoscaler(w);
        scaler.profiles(List.of(CPU_WORKER, GPU_WORKER));
        w.policy.put("cpu", new AdaptPolicy(rnd.nextInt(2), 3 + rnd.nextInt(6), IDLE,
                rnd.nextBoolean() ? AdaptPolicy.NO_PENDING_LIMIT : 1 + rnd.nextInt(3)));
        w.policy.put("gpu", new AdaptPolicy(0, 2 + rnd.nextInt(3), IDLE, 1 + rnd.nextInt(3)));
        int runnable = 0;
        try {
            w.policy.forEach((p, a) -> scaler.adapt(p, a, 0));
            // Runs no profile can take ask for no job.
            for (int i = 0; i < 5; i++) {
                w.stage(new SimRun(FPGA, 1_000));
            }
            scaler.demand(w.demand(), 0);
            for (String p : List.of("cpu", "gpu")) {
                assertThat(w.inFlight.getOrDefault(p, 0)).as("jobs for %s with only fpga runs staged", p)
                        .isEqualTo(w.policy.get(p).min());
            }
            long lastPoll = 0;
            for (int step = 0; step < 4_000; step++) {
                w.now += 1_000;
                int curve = rnd.nextInt(1000);
                if (curve < 4) { // a burst
                    Map<String, Long> shape = rnd.nextInt(3) == 0 ? GPU : CPU;
                    int n = 5 + rnd.nextInt(25);
                    for (int i = 0; i < n; i++) {
                        w.stage(new SimRun(shape, 5_000 + rnd.nextInt(60_000)));
                    }
                    runnable += n;
                } else if (curve < 30) { // a trickle, with a long tail now and then
                    Map<String, Long> shape = rnd.nextInt(4) == 0 ? GPU : CPU;
                    w.stage(new SimRun(shape, rnd.nextInt(20) == 0 ? 600_000 : 2_000 + rnd.nextInt(30_000)));
                    runnable++;
                }
                advance(w, scaler, rnd, true);
                if (w.now - lastPoll >= POLL) {
                    lastPoll = w.now;
                    scaler.polled(w.poll(), w.now);
                }
                scaler.tick(w.now);
                check(w);
            }

            // Demand ends: everything that can run runs, then each profile goes back to its min.
            long quietSince = -1;
            for (int step = 0; step < 3_000 && quietSince < 0; step++) {
                w.now += 1_000;
                advance(w, scaler, rnd, false);
                if (w.now - lastPoll >= POLL) {
                    lastPoll = w.now;
                    scaler.polled(w.poll(), w.now);
                }
                resumePaused(scaler, w);
                scaler.tick(w.now);
                check(w);
                boolean busy = w.jobs.values().stream().anyMatch(j -> !j.runs.isEmpty());
                if (!busy && w.staged.stream().allMatch(r -> r.requires.equals(FPGA))) {
                    quietSince = w.now;
                }
            }
            assertThat(quietSince).as("every run that can run has run").isGreaterThan(0);
            assertThat(w.finished).isEqualTo(runnable);
            for (int step = 0; step < (IDLE + POLL) / 1_000 + 1; step++) {
                w.now += 1_000;
                advance(w, scaler, rnd, false);
                if (w.now - lastPoll >= POLL) {
                    lastPoll = w.now;
                    scaler.polled(w.poll(), w.now);
                }
                scaler.tick(w.now);
                check(w);
            }
            for (String p : List.of("cpu", "gpu")) {
                assertThat(w.live(p)).as("%s workers %s after idle-timeout and a poll", p, IDLE + POLL)
                        .isEqualTo(w.policy.get(p).min());
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    /** One second of the world: submissions answered, jobs starting, workers connecting, runs ending, demand sent. */
    private static void advance(World w, Autoscaler scaler, Random rnd, boolean failures) {
        sendDemand(w, scaler, w.dispatch(scaler)); // runs staged this second are demand before anything else happens
        while (!w.submits.isEmpty()) {
            Object[] s = w.submits.poll();
            String p = (String) s[0];
            int count = (Integer) s[1];
            w.inFlight.merge(p, -count, Integer::sum);
            if (failures && rnd.nextInt(25) == 0) {
                scaler.submissionFailed(p, count, "sbatch: error: simulated", w.now);
                continue;
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String id = Integer.toString(w.nextId++);
                ids.add(id);
                w.jobs.put(id, new SimJob(id, p, w.now, (Integer) s[2]));
            }
            scaler.submitted(p, count, ids, w.now);
        }
        boolean changed = false;
        for (SimJob j : new ArrayList<>(w.jobs.values())) {
            if (j.state == JobState.PENDING && rnd.nextInt(8) == 0) {
                if (failures && rnd.nextInt(30) == 0) {
                    j.state = JobState.FAILED;
                } else {
                    j.state = JobState.RUNNING;
                    j.connected = true;
                    j.fresh = true;
                    scaler.workerConnected(j.id, "w" + j.id, w.now);
                    changed = true;
                }
            }
            if (j.connected && j.state == JobState.RUNNING) {
                boolean hadRuns = !j.runs.isEmpty();
                w.finished += (int) j.runs.stream().filter(r -> r.endsAt <= w.now).count();
                j.runs.removeIf(r -> r.endsAt <= w.now);
                if (hadRuns && j.runs.isEmpty()) {
                    scaler.workerBusy("w" + j.id, false, w.now);
                }
                if (j.draining && j.runs.isEmpty()) { // a drained worker exits once idle
                    j.state = JobState.COMPLETED;
                    j.connected = false;
                    scaler.workerLeft("w" + j.id, w.now);
                    changed = true;
                }
            }
        }
        w.stops.clear();
        sendDemand(w, scaler, w.dispatch(scaler) || changed);
    }

    /** As the scheduler does after each batch: demand after the dispatch, whenever it or the workers changed. */
    private static void sendDemand(World w, Autoscaler scaler, boolean workersChanged) {
        Map<Map<String, Long>, Integer> demand = w.demand();
        if (workersChanged || !demand.equals(w.lastDemand)) {
            w.jobs.values().forEach(j -> j.fresh = false);
            w.lastDemand = demand;
            scaler.demand(demand, w.now);
        }
    }

    private static void resumePaused(Autoscaler scaler, World w) {
        for (Autoscaler.PoolView p : scaler.pools()) {
            if (p.pausedReason() != null) {
                scaler.adapt(p.profile(), w.policy.get(p.profile()), w.now); // as a user would, seeing the reason
            }
        }
    }

    private static void check(World w) {
        for (String p : List.of("cpu", "gpu")) {
            AdaptPolicy a = w.policy.get(p);
            assertThat(w.pending(p)).as("%s jobs pending at %s", p, w.now).isLessThanOrEqualTo(a.maxPending());
            assertThat(w.live(p)).as("%s jobs live at %s", p, w.now).isLessThanOrEqualTo(a.max());
        }
    }
}
