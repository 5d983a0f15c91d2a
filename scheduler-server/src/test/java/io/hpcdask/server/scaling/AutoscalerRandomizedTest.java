package io.hpcdask.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Drives the autoscaler against a simulated batch system with random events (jobs starting, workers connecting,
 * jobs killed from outside, workers retiring, busy toggles, new targets, polls, time passing). After each event:
 * no job is cancelled twice or unknown, nothing is submitted beyond the target, and once the storm stops the pool
 * settles at its target; after scaling to 0 no job is left in the queue.
 */
class AutoscalerRandomizedTest {
    static final List<String> PROFILES = List.of("cpu", "gpu");

    /** The simulated batch system: what really runs, independent of what the autoscaler believes. */
    static final class Sim implements ScalingEffects {
        final Map<String, JobState> queue = new LinkedHashMap<>();
        final Map<String, String> profileOf = new HashMap<>();
        final Map<String, String> workerOfJob = new HashMap<>();
        final Map<String, Boolean> busy = new HashMap<>();
        final Set<String> draining = new HashSet<>();
        final Set<String> cancelled = new HashSet<>();
        final ArrayDeque<String[]> pendingSubmits = new ArrayDeque<>();
        final Map<String, Integer> inFlight = new HashMap<>();
        int nextId = 1;
        Autoscaler scaler;
        Map<String, Integer> target = Map.of();

        @Override
        public void submit(String profile, int count) {
            // Never submit beyond the target: what the scaler counts, plus what is under way, plus this submission.
            long active = scaler.jobs().stream().filter(j -> j.profile().equals(profile) && !j.retiring()).count();
            assertThat(active + inFlight.getOrDefault(profile, 0) + count).as("submission for %s", profile)
                    .isLessThanOrEqualTo(target.getOrDefault(profile, 0));
            pendingSubmits.add(new String[] {profile, Integer.toString(count)});
            inFlight.merge(profile, count, Integer::sum);
        }

        @Override
        public void cancel(String profile, List<String> jobIds) {
            for (String id : jobIds) {
                if (!profileOf.containsKey(id)) {
                    fail("cancel of a job never submitted: " + id);
                }
                if (!cancelled.add(id)) {
                    fail("job cancelled twice: " + id);
                }
                if (queue.get(id) != null && queue.get(id).isLive()) {
                    queue.put(id, JobState.CANCELLED);
                }
            }
        }

        @Override
        public void drain(String worker) {
            draining.add(worker);
        }

        @Override
        public void stop(String worker) {
            String job = jobOfWorker(worker);
            if (job != null) {
                queue.put(job, JobState.COMPLETED);
            }
        }

        @Override
        public void log(String line) {
        }

        String jobOfWorker(String worker) {
            for (var e : workerOfJob.entrySet()) {
                if (e.getValue().equals(worker)) {
                    return e.getKey();
                }
            }
            return null;
        }

        Map<String, JobStatus> poll() {
            Map<String, JobStatus> m = new HashMap<>();
            queue.forEach((id, st) -> m.put(id, new JobStatus(id, st, st.name().toLowerCase())));
            return m;
        }
    }

    @RepeatedTest(20)
    void invariantsHoldUnderRandomEvents() {
        long seed = new Random().nextLong();
        System.out.println("AutoscalerRandomizedTest seed " + seed);
        Random rnd = new Random(seed);
        Sim sim = new Sim();
        Autoscaler scaler = new Autoscaler(sim);
        Map<String, Integer> target = new HashMap<>();
        sim.scaler = scaler;
        sim.target = target;
        long now = 0;
        try {
            for (int step = 0; step < 3_000; step++) {
                now += rnd.nextInt(5_000);
                int event = rnd.nextInt(100);
                if (event < 8) {
                    String p = PROFILES.get(rnd.nextInt(2));
                    int t = rnd.nextInt(6);
                    target.put(p, t);
                    scaler.setTarget(p, t, now);
                } else if (event < 30 && !sim.pendingSubmits.isEmpty()) {
                    String[] s = sim.pendingSubmits.poll();
                    int count = Integer.parseInt(s[1]);
                    sim.inFlight.merge(s[0], -count, Integer::sum);
                    if (rnd.nextInt(10) == 0) {
                        scaler.submissionFailed(s[0], count, "sbatch: error: simulated", now);
                    } else {
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < count; i++) {
                            String id = Integer.toString(sim.nextId++);
                            ids.add(id);
                            sim.queue.put(id, JobState.PENDING);
                            sim.profileOf.put(id, s[0]);
                        }
                        scaler.submitted(s[0], count, ids, now);
                    }
                } else if (event < 45) {
                    // a pending job starts and its worker connects (or dies before connecting)
                    List<String> pending = sim.queue.entrySet().stream().filter(e -> e.getValue() == JobState.PENDING)
                            .map(Map.Entry::getKey).toList();
                    if (!pending.isEmpty()) {
                        String id = pending.get(rnd.nextInt(pending.size()));
                        if (rnd.nextInt(6) == 0) {
                            sim.queue.put(id, JobState.FAILED);
                        } else {
                            sim.queue.put(id, JobState.RUNNING);
                            sim.workerOfJob.put(id, "w" + id);
                            scaler.workerConnected(id, "w" + id, now);
                        }
                    }
                } else if (event < 52) {
                    // a running job is killed from outside (scancel, node failure)
                    List<String> running = liveWithWorker(sim);
                    if (!running.isEmpty()) {
                        String id = running.get(rnd.nextInt(running.size()));
                        sim.queue.put(id, rnd.nextBoolean() ? JobState.CANCELLED : JobState.TIMEOUT);
                        scaler.workerLeft("w" + id, now);
                    }
                } else if (event < 62) {
                    List<String> running = liveWithWorker(sim);
                    if (!running.isEmpty()) {
                        String w = "w" + running.get(rnd.nextInt(running.size()));
                        boolean b = rnd.nextBoolean();
                        sim.busy.put(w, b);
                        scaler.workerBusy(w, b, now);
                        if (!b && sim.draining.contains(w)) { // a drained worker exits when its runs end
                            sim.queue.put(sim.jobOfWorker(w), JobState.COMPLETED);
                            scaler.workerLeft(w, now);
                        }
                    }
                } else if (event < 65) {
                    List<String> running = liveWithWorker(sim);
                    if (!running.isEmpty()) {
                        String id = running.get(rnd.nextInt(running.size()));
                        scaler.workerRetiring("w" + id, now);
                        sim.draining.add("w" + id);
                    }
                } else if (event < 85) {
                    scaler.polled(sim.poll(), now);
                } else {
                    scaler.tick(now);
                }
                checkNoOverSubmission(scaler, target);
            }

            // The storm ends: no more failures; the pools must settle at their targets.
            for (int round = 0; round < 50; round++) {
                now += 400_000;
                settle(sim, scaler, now);
            }
            for (String p : PROFILES) {
                int t = target.getOrDefault(p, 0);
                long live = sim.queue.entrySet().stream().filter(e -> e.getValue().isLive()
                        && sim.profileOf.get(e.getKey()).equals(p) && !sim.draining.contains("w" + e.getKey())).count();
                Autoscaler.PoolView pool = scaler.pools().stream().filter(v -> v.profile().equals(p)).findFirst().orElse(null);
                if (pool != null && pool.pausedReason() != null) {
                    scaler.setTarget(p, t, now); // a paused pool resumes when the user scales again
                    for (int round = 0; round < 10; round++) {
                        now += 400_000;
                        settle(sim, scaler, now);
                    }
                    live = sim.queue.entrySet().stream().filter(e -> e.getValue().isLive()
                            && sim.profileOf.get(e.getKey()).equals(p) && !sim.draining.contains("w" + e.getKey())).count();
                }
                assertThat(live).as("profile %s settles at its target", p).isEqualTo(t);
            }

            // Scale everything to 0: nothing of the cluster stays in the queue.
            for (String p : PROFILES) {
                scaler.setTarget(p, 0, now);
            }
            for (int round = 0; round < 10; round++) {
                now += 1_000;
                for (String w : new ArrayList<>(sim.draining)) { // drained workers finish their runs and exit
                    String job = sim.jobOfWorker(w);
                    if (job != null && sim.queue.get(job).isLive()) {
                        sim.queue.put(job, JobState.COMPLETED);
                    }
                }
                settle(sim, scaler, now);
            }
            assertThat(sim.queue.values().stream().filter(JobState::isLive)).as("jobs left in the queue").isEmpty();
            assertThat(scaler.liveJobIds()).isEmpty();
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private static void settle(Sim sim, Autoscaler scaler, long now) {
        while (!sim.pendingSubmits.isEmpty()) {
            String[] s = sim.pendingSubmits.poll();
            int count = Integer.parseInt(s[1]);
            sim.inFlight.merge(s[0], -count, Integer::sum);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String id = Integer.toString(sim.nextId++);
                ids.add(id);
                sim.queue.put(id, JobState.RUNNING);
                sim.profileOf.put(id, s[0]);
            }
            scaler.submitted(s[0], count, ids, now);
            for (String id : ids) {
                sim.workerOfJob.put(id, "w" + id);
                scaler.workerConnected(id, "w" + id, now);
            }
        }
        for (var e : new ArrayList<>(sim.queue.entrySet())) {
            if (e.getValue() == JobState.PENDING) {
                sim.queue.put(e.getKey(), JobState.RUNNING);
                sim.workerOfJob.put(e.getKey(), "w" + e.getKey());
                scaler.workerConnected(e.getKey(), "w" + e.getKey(), now);
            }
        }
        scaler.polled(sim.poll(), now);
        scaler.tick(now);
    }

    private static List<String> liveWithWorker(Sim sim) {
        return sim.queue.entrySet().stream().filter(e -> e.getValue() == JobState.RUNNING && sim.workerOfJob.containsKey(e.getKey()))
                .map(Map.Entry::getKey).toList();
    }

    /** With no submission under way, the jobs the scaler counts never exceed the target. */
    private static void checkNoOverSubmission(Autoscaler scaler, Map<String, Integer> target) {
        for (Autoscaler.PoolView p : scaler.pools()) {
            long active = scaler.jobs().stream().filter(j -> j.profile().equals(p.profile()) && !j.retiring()).count();
            int t = target.getOrDefault(p.profile(), 0);
            // Submissions under way cannot be recalled, so only a settled pool must be within its target.
            if (p.submitting() == 0) {
                assertThat(active).as("active jobs of %s after reconcile", p.profile()).isLessThanOrEqualTo(t);
            }
        }
    }
}
