package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.protocol.Printable;
import io.hpcdask.server.api.ClusterStatus;
import java.io.PrintWriter;
import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.scaling.AdaptPolicy;
import io.hpcdask.server.scaling.Autoscaler;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show whether a cluster runs, its addresses, workers and run counts (exit 3 when it does not run).")
final class ClusterStatusCommand extends ClusterClientCommand {
    @Mixin
    OutputOptions output;

    ClusterStatusCommand(CliContext context) {
        super(context);
    }

    /** The JSON shape (docs/json/cluster-status.schema.json). */
    record Json(int version, String name, String state, long pid, String startedAt, String degraded, Server server,
                String workerAddress, Api api, String resources, int workers, Map<String, Long> runs, Batch batch) {}

    /** Where the server runs: {@code here} (this machine) or {@code login-node}, with its cluster id and directory there. */
    record Server(String where, String host, String clusterId, String dir) {}

    record Api(String host, int port, boolean forwarded) {}

    record Batch(String system, List<Profile> profiles, List<Job> jobs) {}

    record Profile(String name, int target, int pending, int running, int connected, int submitting, String pausedReason,
                   String lastError, String lastErrorJob, String lastErrorStdout, String lastErrorStderr, Adapt adapt, int demand) {}

    /** {@code adapt} of a profile, null when its count is set by hand; {@code maxPending} null when only max bounds it. */
    record Adapt(int min, int max, double idleTimeoutSeconds, Integer maxPending) {}

    record Job(String id, String profile, String state, boolean retiring, String reason, String worker, String submittedAt,
               double ageSeconds) {}

    @Override
    int doCall() {
        OutputMode mode = output.mode(context);
        ClusterStatus s = call(c -> c.status());
        ScalingView scaling = call(c -> c.scaling());
        mode.print(Report.of(json(s, scaling), out -> table(out, s, scaling), out -> out.println(s.name())), out());
        return ExitCodes.OK;
    }

    private Json json(ClusterStatus s, ScalingView scaling) {
        Server server = running().remote().map(r -> new Server("login-node", r.where(), r.clusterId(), r.dir()))
                .orElse(new Server("here", s.serverHost(), null, null));
        Batch batch = null;
        if (!"local".equals(scaling.system())) {
            long now = now(scaling);
            batch = new Batch(scaling.system(), scaling.pools().stream().map(p -> new Profile(p.profile(), p.target(), p.pending(),
                    p.running(), p.connected(), p.submitting(), p.pausedReason(), p.lastError(), p.lastErrorJob(),
                    p.lastErrorStdout(), p.lastErrorStderr(), p.adapt() == null ? null : new Adapt(p.adapt().min(), p.adapt().max(),
                    JsonTimes.seconds(p.adapt().idleTimeoutMillis()), p.adapt().maxPending() == AdaptPolicy.NO_PENDING_LIMIT ? null
                    : p.adapt().maxPending()), p.demand())).toList(),
                    scaling.jobs().stream().map(j -> new Job(j.jobId(), j.profile(), j.state().toString(), j.retiring(), j.reason(),
                            j.worker(), JsonTimes.time(j.submittedAt()), JsonTimes.seconds(now - j.submittedAt()))).toList());
        }
        return new Json(1, s.name(), "running", s.pid(), JsonTimes.time(s.startedAt()), s.degraded(), server,
                s.workerAddress() != null ? s.workerAddress() : s.host() + ":" + s.workerPort(),
                new Api(s.host(), s.apiPort(), running().remote().isPresent()),
                s.resources() == null || s.resources().isEmpty() ? null : s.resources(), s.workers(),
                s.runs() == null ? Map.of() : s.runs(), batch);
    }

    private void table(PrintWriter out, ClusterStatus s, ScalingView scaling) {
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
        if (!scaling.pools().isEmpty()) {
            printJobs(out, scaling);
        }
    }

    /** The jobs' clock: the server's, else this machine's for servers that do not send it. */
    private static long now(ScalingView scaling) {
        return scaling.serverTime() > 0 ? scaling.serverTime() : System.currentTimeMillis();
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
        long now = now(scaling);
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
