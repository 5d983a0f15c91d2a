package io.hpcdask.launcher.cli;

import io.hpcdask.protocol.Printable;
import io.hpcdask.server.api.ScaleRequest;
import io.hpcdask.server.api.ScaleResult;
import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.provision.Autoscaler;
import io.hpcdask.server.provision.JobState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Set the number of workers of a profile of a running batch cluster.",
            "Up: the missing workers are submitted (one job array where the batch system has arrays).",
            "Down: pending jobs are cancelled first, then idle workers stop, then busy ones drain.",
            "A refused submission is shown verbatim and exits 1."},
        footerHeading = "%nExamples:%n",
        footer = {"  hpc-dask scale 8 --wait", "  hpc-dask scale 2 --profile gpu", "  hpc-dask scale 0"})
final class ScaleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;
    @Parameters(index = "0", paramLabel = "N", description = "the number of workers wanted (0 or more)")
    String count;
    @Option(names = "--profile", paramLabel = "P", description = "the worker profile (default: the cluster's first)")
    String profile;
    @Option(names = "--wait", description = "show progress and return once N workers are connected")
    boolean await;
    @Option(names = "--timeout", paramLabel = "D", defaultValue = "10m",
            description = "with --wait, give up after D: seconds, or with s, m or h (default: ${DEFAULT-VALUE})")
    String timeout;
    @Option(names = "--no-array", description = "submit N jobs instead of one job array (for sites that forbid arrays)")
    boolean noArray;

    private final CliContext context;

    ScaleCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!count.matches("\\d{1,6}")) {
            throw new BadInputException("N: '" + count + "' is not a number of workers; expected a whole number >= 0, e.g. 8");
        }
        int n = Integer.parseInt(count);
        Duration limit = duration(timeout);
        RunningCluster running = RunningCluster.require(cluster.resolve(context));
        PrintWriter out = spec.commandLine().getOut();
        ScaleResult result = running.call(c -> c.scale(new ScaleRequest(profile, n, noArray ? Boolean.FALSE : null)));
        if (result.error() != null) {
            throw new CommandFailedException(result.error());
        }
        String shown = " of profile " + result.profile();
        out.println(result.submitted().isEmpty() ? "Scaling to " + n + " worker(s)" + shown
                : "Submitted " + result.submitted().size() + " job(s)" + shown + ": " + String.join(" ", result.submitted()));
        out.flush();
        return await ? new Progress(running, result.profile(), n, limit).await() : ExitCodes.OK;
    }

    /** Waits for the pool to reach N connected workers, printing a line whenever the counts change. */
    private final class Progress {
        private final RunningCluster running;
        private final String profile;
        private final int target;
        private final Duration limit;

        Progress(RunningCluster running, String profile, int target, Duration limit) {
            this.running = running;
            this.profile = profile;
            this.target = target;
            this.limit = limit;
        }

        int await() throws InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            long deadline = System.nanoTime() + limit.toNanos();
            String last = "";
            while (true) {
                ScalingView view = running.call(c -> c.scaling());
                Autoscaler.PoolView pool = pool(view);
                List<Autoscaler.JobView> jobs = jobs(view, pool);
                long connected = jobs.stream().filter(j -> j.worker() != null && !j.retiring()).count();
                long pending = jobs.stream().filter(j -> j.state() == JobState.PENDING).count();
                String line = String.format("workers connected %d/%d, jobs pending %d, running %d%s", connected, target, pending,
                        jobs.size() - pending, pool != null && pool.lastError() != null ? ", last failure: " + pool.lastError() : "");
                if (!line.equals(last)) {
                    err.println("[scale] " + line);
                    err.flush();
                    last = line;
                }
                if (pool != null && pool.pausedReason() != null) {
                    throw new CommandFailedException("scaling of profile " + pool.profile() + " paused: " + pool.pausedReason());
                }
                if (connected >= target && (target > 0 || jobs.isEmpty())) {
                    spec.commandLine().getOut().println(target + " worker(s) connected");
                    spec.commandLine().getOut().flush();
                    return ExitCodes.OK;
                }
                if (System.nanoTime() >= deadline) {
                    StringBuilder why = new StringBuilder("only " + connected + " of " + target + " worker(s) connected after "
                            + timeout + ":");
                    for (Autoscaler.JobView j : jobs) {
                        if (j.worker() == null) {
                            why.append("\n  job ").append(j.jobId()).append(' ').append(j.state())
                                    .append(j.reason() == null || j.reason().isBlank() ? "" : " (" + Printable.escape(j.reason()) + ")");
                        }
                    }
                    throw new CommandFailedException(why.toString());
                }
                Thread.sleep(1_000);
            }
        }

        private Autoscaler.PoolView pool(ScalingView view) {
            return view.pools().stream().filter(p -> p.profile().equals(profile)).findFirst().orElse(null);
        }

        private List<Autoscaler.JobView> jobs(ScalingView view, Autoscaler.PoolView pool) {
            return pool == null ? List.of() : view.jobs().stream().filter(j -> j.profile().equals(pool.profile())).toList();
        }
    }

    static Duration duration(String text) {
        var m = java.util.regex.Pattern.compile("(\\d{1,7})([smh]?)").matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new BadInputException("--timeout: '" + text + "' is not a duration; expected seconds, or a number with s, m "
                    + "or h, e.g. 90, 90s, 10m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
