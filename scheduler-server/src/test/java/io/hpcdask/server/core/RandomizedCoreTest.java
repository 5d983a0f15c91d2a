package io.hpcdask.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Drives the core with thousands of random events against simulated workers and checks every invariant after each
 * one. Runs carry random policies (priority, time limit, attempts, retries, dependencies) and finished ones are
 * retried by "the user"; beyond never lost, never duplicated and never over capacity, a run never starts before its
 * dependencies completed and a run past its time limit is never reported completed. With runs sent ahead, the
 * simulated workers queue what they cannot start yet as the real worker does, and the core must know exactly which
 * live worker holds each such run. Set {@code -Dcore.seed=N} to replay a printed seed.
 */
class RandomizedCoreTest {
    private static final int WORKERS = 12;
    private static final int EVENTS = 3_000;

    @Test
    void invariantsHoldAfterEveryEvent() {
        long base = Long.getLong("core.seed", System.nanoTime());
        for (int round = 0; round < 3; round++) {
            long seed = base + round;
            System.out.println("RandomizedCoreTest seed " + seed + " (replay with -Dcore.seed=" + seed + ")");
            new Simulation(seed, round % 2 == 0 ? 0 : 500).run();
        }
    }

    /** The same, with dispatch deferred to the end of random batches of events, as the server's event loop runs it. */
    @Test
    void invariantsHoldWhenDispatchRunsOncePerBatchOfEvents() {
        long base = Long.getLong("core.seed", System.nanoTime());
        for (int round = 0; round < 3; round++) {
            long seed = base + round;
            System.out.println("RandomizedCoreTest (deferred) seed " + seed + " (replay with -Dcore.seed=" + seed + ")");
            Simulation sim = new Simulation(seed, round % 2 == 0 ? 0 : 500);
            sim.deferred = true;
            sim.core.deferDispatch();
            sim.run();
        }
    }

    /**
     * Runs sent ahead: a simulated worker queues a start it cannot run yet, starts queued runs when they fit (a random
     * event), gives its queue back when drained, answers a cancel of a queued run, and drops its queue when its link
     * drops, as {@code WorkerAgent} does.
     */
    @Test
    void invariantsHoldWithRunsSentAhead() {
        long base = Long.getLong("core.seed", System.nanoTime());
        int aheadStarts = 0;
        for (int round = 0; round < 4; round++) {
            long seed = base + round;
            System.out.println("RandomizedCoreTest (ahead) seed " + seed + " (replay with -Dcore.seed=" + seed + ")");
            Simulation sim = new Simulation(seed, round % 2 == 0 ? 0 : 500, 1 + round / 2);
            if (round % 2 == 1) {
                sim.deferred = true;
                sim.core.deferDispatch();
            }
            sim.run();
            // how many depends on the seed (one round in about twenty, where workers are lost often, starts fewer
            // than 50): every round must start some, and the four together enough to have exercised the mode
            assertThat(sim.aheadStarts).as("runs sent ahead must start on their worker (seed %d)", seed)
                    .isGreaterThan(10);
            aheadStarts += sim.aheadStarts;
        }
        assertThat(aheadStarts).as("runs sent ahead started in the four rounds").isGreaterThan(400);
        // the server's default: each worker's share follows how long its runs lasted
        long seed = base + 4;
        System.out.println("RandomizedCoreTest (adaptive ahead) seed " + seed + " (replay with -Dcore.seed=" + seed + ")");
        Simulation sim = new Simulation(seed, 500, CoreConfig.AHEAD_ADAPTIVE);
        sim.run();
        assertThat(sim.aheadStarts).as("runs sent ahead must start on their worker (seed %d)", seed).isGreaterThan(10);
    }

    /** A start a simulated worker holds in its queue. */
    private record Queued(String runId, int attempt, Assignment assignment) {}

    /** A cluster of simulated workers whose processes are sets of run ids. */
    private static final class Simulation {
        final Random rnd;
        final long seed;
        final RecordingOutbox out = new RecordingOutbox();
        final SchedulerCore<Object> core;
        final Map<String, WorkerSpec> specs = new LinkedHashMap<>();
        /** Worker name to the runs its processes execute; absent when the worker is down. */
        final Map<String, Set<String>> executing = new HashMap<>();
        final Map<String, RunState> known = new HashMap<>();
        final List<String[]> pendingFinishes = new ArrayList<>();
        final Set<String> finals = new HashSet<>();
        int staged;
        long now;
        int event;
        int starts;
        int restagings;
        int timeouts;
        int retriedByUser;
        int dependencyCancels;
        /** Each run's policy, and when its current attempt started. */
        final Map<String, RunPolicy> policies = new HashMap<>();
        final Map<String, Long> startedAt = new HashMap<>();
        final Map<String, Integer> attemptsOf = new HashMap<>();
        final Set<String> completedOnce = new HashSet<>();
        /** Times the core was told of with a tick: a time limit counts as passed only once a tick saw it. */
        final java.util.TreeSet<Long> ticks = new java.util.TreeSet<>();
        final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();

        final long grace;
        /** Dispatch only at the end of a batch of events (randomly one to three long). */
        boolean deferred;
        /** Runs sent ahead per slot (0: none, and the workers never queue). */
        final int aheadPerSlot;
        /** Worker name to the starts it queues, in order; only for workers that are up. */
        final Map<String, LinkedHashMap<String, Queued>> queued = new HashMap<>();
        /** What each executing run holds on its worker. */
        final Map<String, Assignment> assignmentOf = new HashMap<>();
        final List<Runnable> replies = new ArrayList<>();
        int aheadStarts;

        Simulation(long seed, long grace) {
            this(seed, grace, 0);
        }

        Simulation(long seed, long grace, int aheadPerSlot) {
            this.seed = seed;
            this.grace = grace;
            this.aheadPerSlot = aheadPerSlot;
            this.rnd = new Random(seed);
            this.core = new SchedulerCore<>(new CoreConfig(Map.of("decl", 2L), 3, 1 + rnd.nextInt(20), grace)
                    .withAheadPerSlot(aheadPerSlot), out);
            for (int i = 0; i < WORKERS; i++) {
                Map<String, Long> res = new HashMap<>();
                res.put("cores", 1L + rnd.nextInt(8));
                res.put("memory", (1L + rnd.nextInt(4)) << 30);
                if (rnd.nextBoolean()) {
                    res.put("foo", (long) rnd.nextInt(6));
                }
                List<String> gpus = new ArrayList<>();
                if (rnd.nextInt(3) == 0) {
                    for (int g = 0, n = 1 + rnd.nextInt(4); g < n; g++) {
                        gpus.add("dev" + (g * 3));
                    }
                }
                specs.put("w" + i, new WorkerSpec(WorkerId.of("w" + i), "h" + i, "", res, rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(4),
                        gpus, Long.MAX_VALUE));
            }
        }

        void run() {
            core.start(now);
            for (event = 0; event < EVENTS; event++) {
                now += rnd.nextInt(200);
                step();
                if (deferred && rnd.nextInt(3) == 0) {
                    core.dispatchPending(now);
                }
                applyEffects();
                check();
            }
            System.out.printf("  %d starts, %d re-stagings, %d finished runs of %d, %d timeouts, %d user retries,"
                    + " %d cancelled by a dependency%n", starts, restagings, finals.size(), staged, timeouts,
                    retriedByUser, dependencyCancels);
            assertThat(starts).as("the random events must exercise dispatch").isGreaterThan(300);
            assertThat(restagings).as("and lost workers").isGreaterThan(0);
            assertThat(timeouts).as("and time limits").isGreaterThan(0);
            assertThat(retriedByUser).as("and retries by the user").isGreaterThan(0);
            assertThat(dependencyCancels).as("and failed dependencies").isGreaterThan(0);
        }

        void step() {
            if (aheadPerSlot != 0 && rnd.nextInt(4) == 0 && !executing.isEmpty()) {
                List<String> up = new ArrayList<>(executing.keySet());
                java.util.Collections.sort(up);
                startQueued(up.get(rnd.nextInt(up.size())));
                return;
            }
            int kind = rnd.nextInt(100);
            List<String> up = new ArrayList<>(executing.keySet());
            List<String> down = specs.keySet().stream().filter(n -> !executing.containsKey(n)).toList();
            if (kind < 20) {
                List<NewRun<Object>> batch = new ArrayList<>();
                for (int i = 0, n = 1 + rnd.nextInt(5); i < n; i++) {
                    RunPolicy policy = randomPolicy();
                    String id = "r" + staged++;
                    policies.put(id, policy);
                    batch.add(new NewRun<>(RunId.of(id), randomRequirements(), null, policy));
                    known.put(id, RunState.STAGED);
                }
                note("stage " + batch.stream().map(NewRun::id).toList());
                core.runsStaged(batch, now);
            } else if (kind < 55) {
                finishSomething(up);
            } else if (kind < 60 && !pendingFinishes.isEmpty()) {
                String[] f = pendingFinishes.remove(rnd.nextInt(pendingFinishes.size()));
                executing.get(f[1]).remove(f[0]);
                note("killed " + f[0] + " on " + f[1]);
                core.runFinished(RunId.of(f[0]), WorkerId.of(f[1]), 143, true, null, now);
            } else if (kind < 65) {
                String id = "r" + rnd.nextInt(Math.max(1, staged));
                note("cancel " + id);
                core.cancelRun(RunId.of(id), now);
            } else if (kind < 75 && !down.isEmpty()) {
                String name = down.get(rnd.nextInt(down.size()));
                executing.put(name, new HashSet<>());
                queued.put(name, new LinkedHashMap<>());
                note("join " + name);
                core.workerJoined(specs.get(name), List.of(), now);
            } else if (kind < 80 && !up.isEmpty()) { // the worker dies with its processes
                String name = up.get(rnd.nextInt(up.size()));
                executing.remove(name);
                queued.remove(name);
                dropPendingOf(name);
                note("dies " + name);
                ticks.add(now); // a lost worker's event ticks the core
                core.workerLost(WorkerId.of(name), "killed", now);
            } else if (kind < 86 && !up.isEmpty()) { // connection drops and the worker re-registers with what it holds
                String name = up.get(rnd.nextInt(up.size()));
                List<String> held = new ArrayList<>(executing.get(name));
                queued.put(name, new LinkedHashMap<>()); // a worker whose link dropped starts none of its queue
                dropPendingOf(name); // reports on the old connection never arrive
                // with no grace the core re-stages at once, so only a live re-registration keeps runs single
                if (grace > 0 && rnd.nextBoolean()) {
                    ticks.add(now);
                    core.workerLost(WorkerId.of(name), "connection reset", now);
                }
                if (!held.isEmpty() && rnd.nextInt(4) == 0) { // one run ended while it was away
                    executing.get(name).remove(held.remove(0));
                }
                note("rejoin " + name + " holding " + held);
                core.workerJoined(specs.get(name), held.stream().map(RunId::of).toList(), now);
            } else if (kind < 88 && !up.isEmpty()) {
                core.drainWorker(WorkerId.of(up.get(rnd.nextInt(up.size()))), "test", now);
            } else if (kind < 91 && !finals.isEmpty()) { // the user retries a finished run
                List<String> done = new ArrayList<>(finals);
                java.util.Collections.sort(done);
                String id = done.get(rnd.nextInt(done.size()));
                int attempts = attemptsOf.getOrDefault(id, 0);
                finals.remove(id);
                retriedByUser++;
                note("retry " + id);
                core.retryRun(new NewRun<>(RunId.of(id), Map.of(), null, policies.get(id)), known.get(id), attempts, now);
            } else {
                now += rnd.nextInt(1_000);
                note("tick " + now);
                ticks.add(now);
                core.tick(now);
            }
        }

        void note(String step) {
            recent.addLast(event + ": " + step);
            if (recent.size() > 8) {
                recent.removeFirst();
            }
        }

        void dropPendingOf(String worker) {
            pendingFinishes.removeIf(f -> f[1].equals(worker));
        }

        /** Mostly plain runs; some with a priority, a time limit, an attempt limit, retries or dependencies. */
        RunPolicy randomPolicy() {
            int priority = rnd.nextInt(3) == 0 ? rnd.nextInt(5) - 2 : 0;
            long limit = rnd.nextInt(5) == 0 ? 200 + rnd.nextInt(3_000) : 0;
            int maxAttempts = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(4) : 0;
            int retries = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0;
            List<RunId> after = new ArrayList<>();
            if (staged > 0 && rnd.nextInt(4) == 0) {
                for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
                    after.add(RunId.of("r" + Math.max(0, staged - 1 - rnd.nextInt(Math.min(staged, 30)))));
                }
            }
            return new RunPolicy(priority, limit, maxAttempts, retries, after.stream().distinct().toList());
        }

        Map<String, Long> randomRequirements() {
            Map<String, Long> req = new HashMap<>();
            int shape = rnd.nextInt(10);
            if (shape < 3) {
                req.put("foo", 1L + rnd.nextInt(4));
            } else if (shape < 5) {
                req.put("gpu", 1L + rnd.nextInt(2));
            } else if (shape == 5) {
                req.put("cores", 1L + rnd.nextInt(6));
                req.put("memory", 1L << 29);
            } else if (shape == 6 && rnd.nextInt(4) == 0) {
                req.put("bar", 1L); // defined nowhere
            } else if (shape == 7 && rnd.nextInt(4) == 0) {
                req.put("decl", 1L); // declared, offered by no worker
            }
            return req;
        }

        void finishSomething(List<String> up) {
            List<String[]> candidates = new ArrayList<>();
            for (String w : up) {
                for (String r : executing.get(w)) {
                    candidates.add(new String[] {r, w});
                }
            }
            if (candidates.isEmpty()) {
                return;
            }
            String[] c = candidates.get(rnd.nextInt(candidates.size()));
            executing.get(c[1]).remove(c[0]);
            pendingFinishes.removeIf(f -> f[0].equals(c[0]) && f[1].equals(c[1]));
            int code = rnd.nextInt(4) == 0 ? 1 : 0;
            note("finished " + c[0] + " on " + c[1]);
            core.runFinished(RunId.of(c[0]), WorkerId.of(c[1]), code, false, null, now);
        }

        /** The worker starts, in order, every queued run that fits beside what it executes, and reports each. */
        void startQueued(String worker) {
            for (java.util.Iterator<Queued> it = queued.get(worker).values().iterator(); it.hasNext(); ) {
                Queued q = it.next();
                if (fitsLocally(worker, q.assignment())) {
                    it.remove();
                    executing.get(worker).add(q.runId());
                    assignmentOf.put(q.runId(), q.assignment());
                    aheadStarts++;
                    note("started queued " + q.runId() + " on " + worker);
                    core.runStarted(RunId.of(q.runId()), WorkerId.of(worker), q.attempt(), now);
                }
            }
        }

        /** The real worker's own rule: a slot, and every amount it offers itself (gpu ids by device). */
        boolean fitsLocally(String worker, Assignment a) {
            WorkerSpec spec = specs.get(worker);
            int slots = spec.slots() > 0 ? spec.slots() : spec.resources().get("cores").intValue();
            Set<String> mine = executing.get(worker);
            if (mine.size() >= slots) {
                return false;
            }
            Map<String, Long> used = new HashMap<>();
            Set<String> gpus = new HashSet<>();
            for (String id : mine) {
                Assignment held = assignmentOf.get(id);
                held.resources().forEach((k, v) -> used.merge(k, v, Long::sum));
                gpus.addAll(held.gpuIds());
            }
            for (Map.Entry<String, Long> e : a.resources().entrySet()) {
                Long cap = spec.resources().get(e.getKey());
                if (cap != null && !e.getKey().equals("gpu") && used.getOrDefault(e.getKey(), 0L) + e.getValue() > cap) {
                    return false;
                }
            }
            for (String g : a.gpuIds()) {
                if (gpus.contains(g)) {
                    return false;
                }
            }
            return true;
        }

        void applyEffects() {
            applyOnce();
            while (!replies.isEmpty()) { // the workers' answers to what the core just said, in order
                List<Runnable> now = new ArrayList<>(replies);
                replies.clear();
                now.forEach(Runnable::run);
                applyOnce();
            }
        }

        void applyOnce() {
            starts += out.starts.size();
            for (int i = 0; i < out.starts.size(); i++) {
                RecordingOutbox.Start s = out.starts.get(i);
                for (Map.Entry<String, Set<String>> e : executing.entrySet()) {
                        require(!e.getValue().contains(s.runId()), "run " + s.runId() + " started twice at once");
                }
                require(executing.containsKey(s.worker()), "start on worker " + s.worker() + ", which is down");
                boolean sentAhead = aheadPerSlot != 0
                        && core.run(RunId.of(s.runId())).map(r -> r.state() == RunState.STAGED).orElse(false);
                if (sentAhead) {
                    for (Map.Entry<String, LinkedHashMap<String, Queued>> e : queued.entrySet()) {
                        require(!e.getValue().containsKey(s.runId()), "run " + s.runId() + " sent ahead to "
                                + s.worker() + " while queued on " + e.getKey());
                    }
                    queued.get(s.worker()).put(s.runId(), new Queued(s.runId(), out.startAttempts.get(i), s.assignment()));
                } else {
                    require(aheadPerSlot == 0 || fitsLocally(s.worker(), s.assignment()), "direct start of "
                            + s.runId() + " on " + s.worker() + ", which has no room for it there");
                    executing.get(s.worker()).add(s.runId());
                    assignmentOf.put(s.runId(), s.assignment());
                }
            }
            for (String drained : out.drains) { // the worker gives back what it had not started
                LinkedHashMap<String, Queued> q = queued.get(drained);
                if (q != null) {
                    for (Queued r : q.values()) {
                        replies.add(() -> core.runReturned(RunId.of(r.runId()), WorkerId.of(drained), r.attempt(), now));
                    }
                    q.clear();
                }
            }
            for (RecordingOutbox.Cancel c : out.cancels) {
                LinkedHashMap<String, Queued> q = queued.get(c.worker());
                Queued dropped = q == null ? null : q.remove(c.runId());
                if (dropped != null) { // it never started, and now never will
                    replies.add(() -> core.runFinished(RunId.of(c.runId()), WorkerId.of(c.worker()), dropped.attempt(),
                            -1, true, SchedulerCore.NOT_HELD_ERROR, false, now));
                }
                Set<String> procs = executing.get(c.worker());
                if (procs != null && procs.contains(c.runId())) { // killed; the report comes later
                    pendingFinishes.add(new String[] {c.runId(), c.worker()});
                }
            }
            for (StateChange ch : out.changes) {
                require(known.get(ch.runId().value()) == ch.from(), "transition of " + ch.runId().value() + " from " + ch.from()
                        + ", but it was " + known.get(ch.runId().value()));
                require(!finals.contains(ch.runId().value()), "change after final state of " + ch.runId().value());
                known.put(ch.runId().value(), ch.to());
                attemptsOf.put(ch.runId().value(), ch.attempts());
                String id = ch.runId().value();
                long limit = policies.get(id).timeLimitMillis();
                if (ch.to() == RunState.RUNNING) {
                    startedAt.put(id, ch.timeMillis());
                } else if (ch.to() == RunState.COMPLETED && limit > 0 && startedAt.containsKey(id)) {
                    Long tick = ticks.ceiling(startedAt.get(id) + limit);
                    require(tick == null || tick > ch.timeMillis(),
                            "run " + id + " reported completed after its time limit passed");
                } else if (ch.to() == RunState.TIMEOUT) {
                    timeouts++;
                    require(limit > 0 && ch.timeMillis() >= startedAt.get(id) + limit, "run " + id
                            + " timed out before its limit");
                }
                if (ch.to() == RunState.COMPLETED) {
                    completedOnce.add(id);
                }
                if (ch.to() == RunState.TERMINATED && ch.reason() != null && ch.reason().startsWith("dependency ")) {
                    dependencyCancels++;
                }
                if (ch.to() == RunState.STAGED && ch.from() == RunState.RUNNING) {
                    restagings++;
                }
                if (ch.to().isFinal()) {
                    finals.add(ch.runId().value());
                }
            }
            for (RecordingOutbox.Start st : out.starts) { // after the changes: a dependency may complete in this event
                for (RunId dep : policies.get(st.runId()).after()) {
                    require(completedOnce.contains(dep.value()), "run " + st.runId() + " started while its dependency "
                            + dep.value() + " is " + known.get(dep.value()));
                }
            }
            out.clear();
        }

        void check() {
            List<CoreRun> active = core.activeRuns();
            Set<String> activeIds = new HashSet<>();
            for (CoreRun r : active) {
                // plain checks here: this loop runs over every run after every event
                require(activeIds.add(r.id().value()), "run listed twice " + r.id());
                require(!finals.contains(r.id().value()), "active run also final " + r.id());
                require(known.get(r.id().value()) == r.state(), "state of " + r.id() + " is " + r.state() + ", last change said "
                        + known.get(r.id().value()));
            }
            require(activeIds.size() + finals.size() == staged, "runs lost or duplicated: " + activeIds.size()
                    + " active + " + finals.size() + " finished != " + staged + " staged");
            require(core.stagedCount() + core.waitingCount() + core.runningCount() + core.aheadCount() == active.size(),
                    "core's counts disagree with its runs");
            checkAhead(active);

            Map<String, List<CoreRun>> byWorker = new HashMap<>();
            for (CoreRun r : active) {
                if (r.state() == RunState.RUNNING) {
                    byWorker.computeIfAbsent(r.worker().name(), k -> new ArrayList<>()).add(r);
                }
            }
            Set<String> seenOnWorkers = new HashSet<>();
            for (CoreWorker w : core.workers()) {
                String name = w.name().name();
                List<String> runIds = w.runIds().stream().map(RunId::value).toList();
                WorkerSpec spec = specs.get(name);
                List<CoreRun> mine = byWorker.getOrDefault(name, List.of());
                Set<String> mineIds = new HashSet<>();
                mine.forEach(r -> mineIds.add(r.id().value()));
                require(new HashSet<>(runIds).equals(mineIds) && runIds.size() == mineIds.size(),
                        "runs of " + name + ": worker says " + runIds + ", runs say " + mineIds);
                for (String id : runIds) {
                    require(seenOnWorkers.add(id), "run on two workers " + id);
                }
                int slots = spec.slots() > 0 ? spec.slots() : spec.resources().get("cores").intValue();
                require(mine.size() <= slots, "slots over capacity on " + name);
                require(w.slotsUsed() == mine.size(), "slot count of " + name);
                Map<String, Long> sums = new HashMap<>();
                Set<String> gpus = new HashSet<>();
                for (CoreRun r : mine) {
                    r.assignment().resources().forEach((k, v) -> sums.merge(k, v, Long::sum));
                    for (String g : r.assignment().gpuIds()) {
                        require(gpus.add(g), "gpu " + g + " given twice on " + name);
                        require(spec.gpuIds().contains(g), "gpu " + g + " is not a device of " + name);
                    }
                    require(r.assignment().gpuIds().size() == r.requires().getOrDefault("gpu", 0L),
                            "gpu ids of " + r.id() + " do not match its gpu amount");
                }
                sums.forEach((k, v) -> {
                    long cap = k.equals("gpu") ? spec.gpuIds().size() : spec.resources().getOrDefault(k, 0L);
                    require(v <= cap, k + " over capacity on " + name + ": " + v + " > " + cap);
                    require(w.used().getOrDefault(k, 0L).equals(v), "used " + k + " of " + name);
                });
                // what the worker's processes execute is exactly what the core believes runs there
                require(executing.get(name).equals(mineIds), "processes of " + name + " are "
                        + executing.get(name) + ", the core has " + mineIds);
            }
        }

        /**
         * Every run sent ahead is held by exactly the live worker the core names (or its worker is away, and the core
         * waits for it), never beyond the worker's share, never also executing.
         */
        void checkAhead(List<CoreRun> active) {
            Map<String, Set<String>> aheadOn = new HashMap<>();
            for (CoreRun r : active) {
                if (r.state() == RunState.STAGED && r.worker() != null) {
                    require(aheadPerSlot != 0, "staged run " + r.id() + " names worker " + r.worker());
                    aheadOn.computeIfAbsent(r.worker().name(), k -> new HashSet<>()).add(r.id().value());
                }
            }
            Set<String> seen = new HashSet<>();
            for (Map.Entry<String, LinkedHashMap<String, Queued>> e : queued.entrySet()) {
                String name = e.getKey();
                Set<String> held = e.getValue().keySet();
                require(held.equals(aheadOn.getOrDefault(name, Set.of())), "runs queued on " + name + " are " + held
                        + ", the core has " + aheadOn.getOrDefault(name, Set.of()) + " sent ahead there");
                WorkerSpec spec = specs.get(name);
                int slots = spec.slots() > 0 ? spec.slots() : spec.resources().get("cores").intValue();
                int perSlot = aheadPerSlot > 0 ? aheadPerSlot : AheadRuns.MAX_ADAPTIVE_PER_SLOT;
                require(held.size() <= perSlot * slots, "more runs ahead on " + name + " than its share");
                for (String id : held) {
                    require(seen.add(id), "run " + id + " queued on two workers");
                    require(!executing.get(name).contains(id), "run " + id + " both queued and executing on " + name);
                }
            }
            for (String name : aheadOn.keySet()) {
                require(queued.containsKey(name) || !executing.containsKey(name), "runs ahead on " + name
                        + ", which is up but holds no queue");
            }
        }

        /** A plain check: this runs over every run and worker after every event, too often for AssertJ. */
        void require(boolean holds, String what) {
            if (!holds) {
                throw new AssertionError(ctx(what));
            }
        }

        String ctx(String what) {
            return what + " (seed " + seed + ", event " + event + "; recent: " + recent + "; core said: " + out.logs + ")";
        }
    }
}
