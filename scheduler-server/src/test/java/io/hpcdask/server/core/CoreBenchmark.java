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
 * Usage: {@code scripts/bench-core [workers] [runs] [naive-seconds]}.
 */
public final class CoreBenchmark {
    private CoreBenchmark() {}

    public static void main(String[] args) {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        double naiveSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        System.out.printf("Workload: %,d workers, %,d staged runs%n", workers, runs);

        runCore(workers / 10, runs / 10, false); // warm up the JIT
        double core = runCore(workers, runs, true);
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
        long logs;

        @Override
        public void startRun(RunId runId, Object payload, WorkerId worker, Assignment assignment) {
            started.add(new Started(runId, worker));
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

    private static double runCore(int workerCount, int runCount, boolean print) {
        CountingOutbox out = new CountingOutbox();
        SchedulerCore<Object> core = new SchedulerCore<>(CoreConfig.defaults(Map.of()), out);
        long now = 0;
        List<NewRun<Object>> runs = runs(runCount);
        long t0 = System.nanoTime();
        for (WorkerSpec w : workers(workerCount)) {
            core.workerJoined(w, List.of(), now);
        }
        core.runsStaged(runs, now);
        Random rnd = new Random(7);
        List<CountingOutbox.Started> running = new ArrayList<>(out.started);
        out.started.clear();
        int decisions = running.size();
        while (!running.isEmpty()) {
            int i = rnd.nextInt(running.size());
            CountingOutbox.Started r = running.get(i);
            running.set(i, running.get(running.size() - 1));
            running.remove(running.size() - 1);
            core.runFinished(r.run(), r.worker(), 0, false, null, ++now);
            decisions += out.started.size();
            running.addAll(out.started);
            out.started.clear();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = decisions / seconds;
        if (print) {
            System.out.printf("Core:             %,d decisions (and as many finishes) in %.2f s = %,.0f decisions/s;"
                    + " %,d runs left staged (undefined resource)%n", decisions, seconds, rate, core.stagedCount());
        }
        return rate;
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
