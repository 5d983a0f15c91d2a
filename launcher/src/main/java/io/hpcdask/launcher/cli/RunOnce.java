package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.RunView;
import io.hpcdask.server.api.WorkerView;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code cluster up --run-once}: waits until nothing runs and no staged run could start on any connected worker
 * (it needs a resource none defines, or more than any offers), then reports how many runs were processed.
 */
final class RunOnce {
    private final RunningCluster cluster;
    private final PrintWriter out;
    private final PrintWriter err;

    RunOnce(RunningCluster cluster, PrintWriter out, PrintWriter err) {
        this.cluster = cluster;
        this.out = out;
        this.err = err;
    }

    int process() {
        // runs may start while the command still waits for the last worker, so count from the server's start
        long start = cluster.call(c -> c.status()).startedAt();
        String lastProgress = "";
        while (true) {
            List<WorkerView> workers = cluster.call(c -> c.workers());
            List<RunView> runs = cluster.call(c -> c.runs(null));
            long running = runs.stream().filter(r -> "running".equals(r.state())).count();
            long startable = runs.stream().filter(r -> "staged".equals(r.state()) && fitsSomewhere(r, workers)).count();
            if (running == 0 && startable == 0) {
                int processed = (int) runs.stream()
                        .filter(r -> RunStates.isFinal(r) && r.startedAt() != null && r.startedAt() >= start).count();
                double seconds = (System.currentTimeMillis() - start) / 1000.0;
                out.printf("Processed %d run(s) in %.1f seconds%n", processed, seconds);
                out.flush();
                return processed;
            }
            String progress = "Processing staged runs: " + running + " running, " + startable + " waiting to start";
            if (!progress.equals(lastProgress)) {
                err.println(progress);
                err.flush();
                lastProgress = progress;
            }
            RunWaiter.sleep();
        }
    }

    /** Whether an idle worker could take the run: one slot plus every resource it names. */
    static boolean fitsSomewhere(RunView run, List<WorkerView> workers) {
        for (WorkerView w : workers) {
            if (!"draining".equals(w.state()) && w.slots() >= 1 && fits(run.requires(), w.resources())) {
                return true;
            }
        }
        return false;
    }

    private static boolean fits(Map<String, Long> requires, Map<String, Long> offers) {
        if (requires == null) {
            return true;
        }
        for (Map.Entry<String, Long> need : requires.entrySet()) {
            if (offers == null || offers.getOrDefault(need.getKey(), 0L) < need.getValue()) {
                return false;
            }
        }
        return true;
    }
}
