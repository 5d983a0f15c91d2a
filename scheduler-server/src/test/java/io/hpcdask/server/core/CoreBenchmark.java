package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Dispatch decisions per second of the core, with a naive first-fit scheduler on the same workload for comparison.
 * Workload: 1,000 workers (a tenth with GPUs, a quarter with foo), 100,000 staged runs of mixed shapes, the first 100
 * naming a resource nobody has (they stay staged at the front, as in a real queue). Then runs finish one at a time, in
 * random order, and each finish lets the scheduler start the next: one decision per event, as on a busy cluster.
 * Then the same with runs sent ahead (the server's adaptive default): a worker queues what it is sent beyond its free
 * capacity and starts queued runs, in order, as its runs end and free what they need (as {@code WorkerAgent} does).
 * Usage: {@code scripts/bench-core [workers] [runs] [naive-seconds]}.
 */
public final class CoreBenchmark {
    private CoreBenchmark() {}

    public static void main(String[] args) {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        double naiveSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        System.out.printf("Workload: %,d workers, %,d staged runs%n", workers, runs);

        runCore(workers / 10, runs / 10, 0, false); // warm up the JIT
        double core = runCore(workers, runs, 0, true);
        // after the figure above, which stays comparable with earlier ones: the JIT has not yet seen the ahead paths
        runCore(workers / 10, runs / 10, CoreConfig.AHEAD_ADAPTIVE, false);
        runCore(workers, runs, CoreConfig.AHEAD_ADAPTIVE, true);
        double naive = runNaive(workers, runs, naiveSeconds);
        System.out.printf("Ratio: the core makes %.1fx the decisions per second of naive first-fit%n", core / naive);
    }

    static List<WorkerSpec> workers(int n) {
        List<WorkerSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Long> res = new HashMap<>();
            res.put("cores", 8L);
            res.put("memory", 16L << 30);
            if (i % 4 == 1) {
                res.put("foo", 2L);
            }
            List<String> gpus = i % 10 == 3 ? List.of("0", "1") : List.of();
            specs.add(new WorkerSpec(WorkerId.of("w" + i), "host" + i, "", res, 4, gpus, Long.MAX_VALUE));
        }
        return specs;
    }

    static List<NewRun<Object>> runs(int n) {
        Random rnd = new Random(42);
        List<NewRun<Object>> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Long> req;
            int k = rnd.nextInt(100);
            if (i < 100) {
                req = Map.of("bar", 1L);
            } else if (k < 60) {
                req = Map.of();
            } else if (k < 75) {
                req = Map.of("cores", 2L);
            } else if (k < 85) {
                req = Map.of("foo", 1L);
            } else if (k < 95) {
                req = Map.of("gpu", 1L);
            } else {
                req = Map.of("memory", 8L << 30);
            }
            list.add(new NewRun<>(RunId.of(i), req, null));
        }
        return list;
    }

    /** Counts effects and remembers where runs went, as cheaply as an outbox can. */
    private static final class CountingOutbox implements Outbox<Object> {
        record Started(RunId run, WorkerId worker) {}

        final List<Started> started = new ArrayList<>();
        final List<Assignment> assignments = new ArrayList<>();
        long logs;

        @Override
        public void startRun(RunId runId, Object payload, WorkerId worker, Assignment assignment) {
            started.add(new Started(runId, worker));
            assignments.add(assignment);
        }

        @Override
        public void cancelRun(RunId runId, WorkerId worker) {}

        @Override
        public void drainWorker(WorkerId worker, String reason) {}

        @Override
        public void stopWorker(WorkerId worker, String reason) {}

        @Override
        public void stateChanged(StateChange change) {}

        @Override
        public void log(LogLevel level, String line) {
            logs += line.length();
        }
    }

    /** {@code aheadPerSlot}: 0 runs every start at once; else the workers queue what is sent ahead ({@link Queues}). */
    private static double runCore(int workerCount, int runCount, int aheadPerSlot, boolean print) {
        CountingOutbox out = new CountingOutbox();
        SchedulerCore<Object> core = new SchedulerCore<>(CoreConfig.defaults(Map.of()).withAheadPerSlot(aheadPerSlot), out);
        long now = 0;
        List<NewRun<Object>> runs = runs(runCount);
        List<WorkerSpec> specs = workers(workerCount);
        Queues queues = aheadPerSlot == 0 ? null : new Queues(specs);
        long t0 = System.nanoTime();
        for (WorkerSpec w : specs) {
            core.workerJoined(w, List.of(), now);
        }
        core.runsStaged(runs, now);
        Random rnd = new Random(7);
        List<CountingOutbox.Started> running = new ArrayList<>();
        int decisions = 0;
        int ahead = 0;
        while (true) {
            decisions += out.started.size();
            if (queues == null) {
                running.addAll(out.started);
            } else {
                ahead += queues.sent(core, out, running, now);
            }
            out.started.clear();
            out.assignments.clear();
            if (running.isEmpty()) {
                break;
            }
            int i = rnd.nextInt(running.size());
            CountingOutbox.Started r = running.get(i);
            running.set(i, running.get(running.size() - 1));
            running.remove(running.size() - 1);
            core.runFinished(r.run(), r.worker(), 0, false, null, ++now);
            if (queues != null) {
                queues.ended(core, r, running, now);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = decisions / seconds;
        if (print) {
            System.out.printf("Core%s %,d decisions (and as many finishes) in %.2f s = %,.0f decisions/s;"
                    + " %,d runs left staged (undefined resource)%s%n", aheadPerSlot == 0 ? ":            "
                    : ", runs ahead:", decisions, seconds, rate, core.stagedCount(),
                    queues == null ? "" : "; " + ahead + " sent ahead");
        }
        return rate;
    }

    /** Simulated workers' queues of runs sent ahead, and what each has free: a worker starts a queued run that fits. */
    private static final class Queues {
        private final Map<WorkerId, long[]> free = new HashMap<>();
        private final Map<WorkerId, java.util.ArrayDeque<Object[]>> queued = new HashMap<>();
        private final Map<RunId, Assignment> held = new HashMap<>();
        /** cores, memory, foo, gpu, slots: the amounts a run of {@link #runs} may name, and a slot. */
        private static final List<String> NAMES = List.of("cores", "memory", "foo", "gpu");

        Queues(List<WorkerSpec> specs) {
            for (WorkerSpec w : specs) {
                long[] f = new long[NAMES.size() + 1];
                for (int i = 0; i < NAMES.size(); i++) {
                    f[i] = w.resources().getOrDefault(NAMES.get(i), 0L);
                }
                f[NAMES.indexOf("gpu")] = w.gpuIds().size();
                f[NAMES.size()] = w.slots();
                free.put(w.name(), f);
                queued.put(w.name(), new java.util.ArrayDeque<>());
            }
        }

        /** Takes the starts the core just sent: queued when sent ahead, else running. Returns how many went ahead. */
        int sent(SchedulerCore<Object> core, CountingOutbox out, List<CountingOutbox.Started> running, long now) {
            int ahead = 0;
            for (int i = 0; i < out.started.size(); i++) {
                CountingOutbox.Started s = out.started.get(i);
                Assignment a = out.assignments.get(i);
                java.util.ArrayDeque<Object[]> q = queued.get(s.worker());
                if (!q.isEmpty() || !fits(s.worker(), a)) {
                    q.add(new Object[] {s, a});
                    ahead++;
                } else {
                    take(s, a);
                    running.add(s);
                }
            }
            return ahead;
        }

        /** {@code r} ended: its worker starts the queued runs that now fit, in order, and reports each. */
        void ended(SchedulerCore<Object> core, CountingOutbox.Started r, List<CountingOutbox.Started> running, long now) {
            long[] f = free.get(r.worker());
            Assignment a = held.remove(r.run());
            a.resources().forEach((k, v) -> f[NAMES.indexOf(k)] += v);
            f[NAMES.size()]++;
            java.util.ArrayDeque<Object[]> q = queued.get(r.worker());
            while (!q.isEmpty() && fits(r.worker(), (Assignment) q.peek()[1])) {
                Object[] next = q.poll();
                CountingOutbox.Started s = (CountingOutbox.Started) next[0];
                take(s, (Assignment) next[1]);
                running.add(s);
                core.runStarted(s.run(), s.worker(), now);
            }
        }

        private boolean fits(WorkerId w, Assignment a) {
            long[] f = free.get(w);
            if (f[NAMES.size()] < 1) {
                return false;
            }
            for (Map.Entry<String, Long> e : a.resources().entrySet()) {
                if (f[NAMES.indexOf(e.getKey())] < e.getValue()) {
                    return false;
                }
            }
            return true;
        }

        private void take(CountingOutbox.Started s, Assignment a) {
            long[] f = free.get(s.worker());
            a.resources().forEach((k, v) -> f[NAMES.indexOf(k)] -= v);
            f[NAMES.size()]--;
            held.put(s.run(), a);
        }
    }

    private static double runNaive(int workerCount, int runCount, double budgetSeconds) {
        NaiveFirstFit naive = new NaiveFirstFit();
        List<NewRun<Object>> runs = runs(runCount);
        long t0 = System.nanoTime();
        for (WorkerSpec w : workers(workerCount)) {
            naive.join(w);
        }
        naive.stage(runs);
        Random rnd = new Random(7);
        List<NaiveFirstFit.Started> running = new ArrayList<>(naive.started);
        naive.started.clear();
        int decisions = running.size();
        long deadline = t0 + (long) (budgetSeconds * 1e9);
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            int i = rnd.nextInt(running.size());
            NaiveFirstFit.Started r = running.get(i);
            running.set(i, running.get(running.size() - 1));
            running.remove(running.size() - 1);
            naive.finish(r.runId(), r.worker());
            decisions += naive.started.size();
            running.addAll(naive.started);
            naive.started.clear();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = decisions / seconds;
        System.out.printf("Naive first-fit:  %,d decisions in %.2f s = %,.0f decisions/s%s%n", decisions, seconds, rate,
                running.isEmpty() ? "" : " (stopped at the time budget)");
        return rate;
    }
}
