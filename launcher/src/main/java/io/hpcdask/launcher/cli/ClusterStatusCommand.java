package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.protocol.Printable;
import io.hpcdask.server.api.ClusterStatus;
import java.io.PrintWriter;
import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.scaling.Autoscaler;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show whether a cluster runs, its addresses, workers and run counts (exit 3 when it does not run).")
final class ClusterStatusCommand extends ClusterClientCommand {
    ClusterStatusCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        ClusterStatus s = call(c -> c.status());
        PrintWriter out = out();
        out.printf("Cluster:    %s%n", s.name());
        out.printf("State:      running (pid %d, up since %s)%n", s.pid(), Table.time(s.startedAt()));
        if (s.degraded() != null) { // the run database cannot write: no submissions until it can
            out.printf("Store:      %s (submissions are refused until it recovers by itself)%n", Printable.escape(s.degraded()));
        }
        String server = running().remote().map(r -> "on " + r.where() + ", cluster id " + r.clusterId()
                + ", files in " + r.dir()).orElse("on this machine (" + s.serverHost() + ")");
        out.printf("Server:     %s%n", server);
        out.printf("Scheduler:  %s (workers connect here)%n", s.workerAddress() != null ? s.workerAddress() : s.host() + ":" + s.workerPort());
        out.printf("API:        %s:%d%s%n", s.host(), s.apiPort(), running().remote().isPresent()
                ? " on the login node (reached through an SSH port forward)" : "");
        out.printf("Resources:  %s%n", s.resources() == null || s.resources().isEmpty() ? "-" : s.resources());
        out.printf("Workers:    %d%n", s.workers());
        out.printf("Runs:       %s%n", Table.amounts(s.runs()));
        ScalingView scaling = call(c -> c.scaling());
        if (!scaling.pools().isEmpty()) {
            printJobs(out, scaling);
        }
        return ExitCodes.OK;
    }

    /** Each profile's target and health, then every batch job with the batch system's own reason. */
    private static void printJobs(PrintWriter out, ScalingView scaling) {
        out.printf("Batch:      %s%n", "local".equals(scaling.system()) ? "local (worker processes on this machine)" : scaling.system());
        for (Autoscaler.PoolView p : scaling.pools()) {
            out.printf("Profile %s: target %d, %d pending, %d running, %d connected%s%n", p.profile(), p.target(), p.pending(),
                    p.running(), p.connected(), p.submitting() > 0 ? ", " + p.submitting() + " being submitted" : "");
            out.printf("  %s%n", AdaptText.of(p));
            if (p.pausedReason() != null) {
                out.printf("  PAUSED: %s (scale again to retry)%n", Printable.escape(p.pausedReason()));
            } else if (p.lastError() != null) {
                out.printf("  last failure: %s%n", Printable.escape(p.lastError()));
            }
            if (p.lastError() != null) {
                ScaleCommand.outputFiles(p).lines().filter(l -> !l.isEmpty()).forEach(l -> out.printf("  %s%n", l));
            }
        }
        Table t = new Table("JOB", "PROFILE", "STATE", "REASON", "WORKER", "AGE");
        long now = scaling.serverTime() > 0 ? scaling.serverTime() : System.currentTimeMillis(); // the jobs' clock
        for (Autoscaler.JobView j : scaling.jobs()) {
            t.add(j.jobId(), j.profile(), j.state() + (j.retiring() ? " (retiring)" : ""), Table.orDash(j.reason()),
                    Table.orDash(j.worker()), age(now - j.submittedAt()));
        }
        out.println();
        t.print(out);
    }

    private static String age(long millis) {
        long s = Math.max(0, millis / 1000);
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
    }
}
