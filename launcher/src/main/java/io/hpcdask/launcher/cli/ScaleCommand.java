package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.protocol.DurationText;
import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.Printable;
import io.hpcdask.server.api.ScaleRequest;
import io.hpcdask.server.api.ScaleResult;
import io.hpcdask.server.api.ScalingView;
import io.hpcdask.server.api.ScalingWait;
import io.hpcdask.server.scaling.Autoscaler;
import io.hpcdask.server.scaling.JobState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Set the number of workers of a profile of a running batch cluster.",
            "Up: the missing workers are submitted (one job array where the batch system has arrays).",
            "Down: pending jobs are cancelled first, then idle workers stop, then busy ones drain.",
            "A refused submission is shown verbatim and exits 1."},
        footerHeading = "%nExamples:%n",
        footer = {"  hpc-dask scale 8 --wait", "  hpc-dask scale 2 --profile gpu", "  hpc-dask scale 0", "  hpc-dask scale 4 -o quiet   # the job ids submitted"})
final class ScaleCommand extends ClusterClientCommand {
    @Parameters(index = "0", paramLabel = "N", description = "the number of workers wanted (0 or more)")
    String count;
    @Option(names = "--profile", paramLabel = "P", description = "the worker profile (default: the cluster's first)")
    String profile;
    @Option(names = "--wait", description = "show progress and return once N workers are connected")
    boolean await;
    @Option(names = "--timeout", paramLabel = "D", defaultValue = "10m",
            description = "with --wait, give up after D: bare seconds, or " + DurationText.FORMS + " (default: ${DEFAULT-VALUE})")
    String timeout;
    @Option(names = "--no-array", description = "submit N jobs instead of one job array (for sites that forbid arrays)")
    boolean noArray;

    @Mixin
    OutputOptions output;

    /** The JSON shape (docs/json/scale.schema.json): the profile, its new target and the jobs submitted for it. */
    record Json(int version, String profile, int target, List<String> submitted) {}

    ScaleCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() throws InterruptedException {
        if (!count.matches("\\d{1,6}")) {
            throw new BadInputException("N: '" + count + "' is not a number of workers; expected a whole number >= 0, e.g. 8");
        }
        OutputMode mode = output.mode(context);
        int n = Integer.parseInt(count);
        Duration limit = duration(timeout);
        boolean adapted = AdaptText.adapts(call(c -> c.scaling()), profile);
        ScaleResult result = call(c -> c.scale(new ScaleRequest(profile, n, noArray ? Boolean.FALSE : null)));
        if (result.error() != null) {
            throw new CommandFailedException(result.error());
        }
        String shown = " of profile " + result.profile();
        if (adapted) {
            (mode == OutputMode.TABLE ? out() : err()).println("Profile " + result.profile()
                    + " no longer adapts to demand (hpc-dask adapt turns it back on)");
        }
        mode.print(Report.of(new Json(1, result.profile(), n, result.submitted()),
                out -> out.println(result.submitted().isEmpty() ? "Scaling to " + n + " worker(s)" + shown
                        : "Submitted " + result.submitted().size() + " job(s)" + shown + ": " + String.join(" ", result.submitted())),
                out -> result.submitted().forEach(out::println)), out());
        return await ? new Progress(result.profile(), n, limit, mode == OutputMode.TABLE ? out() : err()).await() : ExitCodes.OK;
    }

    /**
     * Waits for the pool to reach N connected workers, printing a line whenever the counts change, and one for each
     * job running {@value #SILENT_JOB_SECONDS} s or more without its worker (every {@value #SILENT_JOB_STEP_SECONDS} s),
     * the usual sign that compute nodes cannot reach the scheduler.
     */
    private final class Progress {
        static final long SILENT_JOB_SECONDS = 30;
        static final long SILENT_JOB_STEP_SECONDS = 10;
        /** Beyond this many silent jobs, one line says how many more there are. */
        static final int SILENT_JOBS_SHOWN = 3;
        /** At the latest, the view is asked for again after this long, to show the jobs' states as they change. */
        static final Duration REFRESH = Duration.ofSeconds(1);

        private final String profile;
        private final int target;
        private final Duration limit;
        /** Where the last line goes: stdout for a table, stderr when stdout is JSON or ids only. */
        private final PrintWriter done;

        Progress(String profile, int target, Duration limit, PrintWriter done) {
            this.profile = profile;
            this.target = target;
            this.limit = limit;
            this.done = done;
        }

        int await() throws InterruptedException {
            PrintWriter err = err();
            long deadline = System.nanoTime() + limit.toNanos();
            String last = "";
            String lastSilent = "";
            long version = 0;
            Duration wait = Duration.ZERO; // the first line at once
            while (true) {
                long seen = version;
                Duration w = wait;
                // answered when a worker joins or leaves, else after the wait, for the jobs' states and silent jobs
                ScalingWait answer = call(c -> c.waitForScaling(seen, w));
                version = answer.version();
                ScalingView view = answer.view();
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
                List<String> silent = silentJobs(view, jobs);
                String silentKey = String.join("\n", silent);
                if (!silent.isEmpty() && !silentKey.equals(lastSilent)) {
                    silent.forEach(s -> err.println("[scale] " + s));
                    err.flush();
                }
                lastSilent = silentKey;
                if (pool != null && pool.pausedReason() != null) {
                    throw new CommandFailedException("scaling of profile " + pool.profile() + " paused: " + pool.pausedReason()
                            + outputFiles(pool));
                }
                if (connected >= target && (target > 0 || jobs.isEmpty())) {
                    done.println(target + " worker(s) connected");
                    return ExitCodes.OK;
                }
                if (System.nanoTime() >= deadline) {
                    StringBuilder why = new StringBuilder("only " + connected + " of " + target + " worker(s) connected after "
                            + timeout + ":");
                    long now = serverNow(view);
                    for (Autoscaler.JobView j : jobs) {
                        if (j.worker() == null) {
                            why.append("\n  job ").append(j.jobId()).append(' ').append(j.state())
                                    .append(j.reason() == null || j.reason().isBlank() ? "" : " (" + Printable.escape(j.reason()) + ")");
                            if (j.state() == JobState.RUNNING && j.runningSince() != null && !j.workerConnected()) {
                                why.append(", running for ").append(seconds(now - j.runningSince()))
                                        .append(" s, its worker has not connected");
                            }
                        }
                    }
                    if (pool != null && pool.lastError() != null) {
                        why.append("\nlast failure: ").append(pool.lastError()).append(outputFiles(pool));
                    }
                    throw new CommandFailedException(why.toString());
                }
                wait = Duration.ofNanos(Math.max(1_000_000, Math.min(REFRESH.toNanos(), deadline - System.nanoTime())));
            }
        }

        /**
         * {@code job N running for S s, its worker has not connected} for each such job past the threshold; S moves in
         * steps so a waiting terminal gets a line every few seconds, not every poll.
         */
        private List<String> silentJobs(ScalingView view, List<Autoscaler.JobView> jobs) {
            long now = serverNow(view);
            List<String> lines = new java.util.ArrayList<>();
            int more = 0;
            for (Autoscaler.JobView j : jobs) {
                if (j.state() != JobState.RUNNING || j.workerConnected() || j.retiring() || j.runningSince() == null) {
                    continue;
                }
                long s = seconds(now - j.runningSince());
                if (s < SILENT_JOB_SECONDS) {
                    continue;
                }
                if (lines.size() == SILENT_JOBS_SHOWN) {
                    more++;
                    continue;
                }
                long shown = s - (s - SILENT_JOB_SECONDS) % SILENT_JOB_STEP_SECONDS;
                lines.add("job " + j.jobId() + " running for " + shown + " s, its worker has not connected");
            }
            if (more > 0) {
                lines.add("and " + more + " more job(s) running without their workers");
            }
            return lines;
        }

        /** The server's clock, which the jobs' times are on; this machine's for servers that do not send it. */
        private static long serverNow(ScalingView view) {
            return view.serverTime() > 0 ? view.serverTime() : System.currentTimeMillis();
        }

        private static long seconds(long millis) {
            return Math.max(0, millis / 1000);
        }

        private Autoscaler.PoolView pool(ScalingView view) {
            return view.pools().stream().filter(p -> p.profile().equals(profile)).findFirst().orElse(null);
        }

        private List<Autoscaler.JobView> jobs(ScalingView view, Autoscaler.PoolView pool) {
            return pool == null ? List.of() : view.jobs().stream().filter(j -> j.profile().equals(pool.profile())).toList();
        }
    }

    /** Where the failed job's output is, for the user to read more than its last lines. */
    static String outputFiles(Autoscaler.PoolView pool) {
        String out = pool.lastErrorStdout();
        String err = pool.lastErrorStderr();
        String job = pool.lastErrorJob() == null ? "" : " of job " + pool.lastErrorJob();
        if (err == null || err.equals(out)) {
            return out == null ? "" : "\noutput" + job + ": " + out;
        }
        return out == null ? "\nstderr" + job + ": " + err : "\nstdout" + job + ": " + out + "\nstderr" + job + ": " + err;
    }

    static Duration duration(String text) {
        try {
            return DurationText.parse(text, ChronoUnit.SECONDS);
        } catch (InvalidValueException e) {
            throw new BadInputException("--timeout: " + e.getMessage());
        }
    }
}
