package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.ClusterStatus;
import java.io.PrintWriter;

/**
 * {@code cluster up --run-once}: waits until nothing runs and no staged run can start on the connected workers (it
 * needs a resource none defines, or more than any offers), then reports how many runs were processed.
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

    long process() {
        String lastProgress = "";
        while (true) {
            ClusterStatus s = cluster.call(c -> c.status());
            if (s.nothingToDo()) {
                // runs may start while 'cluster up' still waits for its last worker: count from the server's start
                double seconds = (System.currentTimeMillis() - s.startedAt()) / 1000.0;
                out.printf("Processed %d run(s) in %.1f seconds%n", s.finished(), seconds);
                out.flush();
                return s.finished();
            }
            String progress = "Processing staged runs: " + s.runs().getOrDefault("running", 0L) + " running, "
                    + s.runs().getOrDefault("staged", 0L) + " staged, " + s.finished() + " done";
            if (!progress.equals(lastProgress)) {
                err.println(progress);
                err.flush();
                lastProgress = progress;
            }
            RunWaiter.sleep();
        }
    }
}
