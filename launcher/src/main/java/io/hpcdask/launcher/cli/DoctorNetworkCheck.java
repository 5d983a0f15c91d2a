package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.batch.BatchSystem;
import io.hpcdask.launcher.batch.PbsBatchSystem;
import io.hpcdask.launcher.batch.JobState;
import io.hpcdask.launcher.batch.JobStatus;
import io.hpcdask.launcher.batch.JobSubmission;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.JobScriptRenderer;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.RemoteCommand;
import io.hpcdask.launcher.ssh.RemoteShell;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Doctor's network check, done for real: a test job on a compute node runs the worker jar's probe against the
 * address workers would dial, and reports through its output file. The address is {@code scheduler-address} when
 * set; otherwise a probe listener on the login node picks it as the scheduler would (interface, the route toward
 * the batch controller, the host's address) and listens there for the length of the check.
 */
final class DoctorNetworkCheck {
    /** The verdict doctor prints: OK, FAIL or SKIP and its text. */
    record Verdict(String verdict, String text) {
    }

    static final String DOCTOR_DIR = ".hpc-dask/doctor";
    private static final String PROBE_PREFIX = "hpc-dask probe: ";
    private static final int LISTENER_SECONDS = 90;
    private static final long LISTENER_START_MILLIS = 30_000;
    /** The probe gives up after 10 s; this leaves the job time to start on an idle cluster, and stays under a minute. */
    private static final long ANSWER_MILLIS = 45_000;
    private static final long PROGRESS_EVERY_MILLIS = 10_000;
    private static final Pattern OUTPUT_DIRECTIVE = Pattern.compile(
            "^#(?:SBATCH|PBS)\\s+(?:-o\\s*|--output[= ])(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern ERROR_DIRECTIVE = Pattern.compile(
            "^#(?:SBATCH|PBS)\\s+(?:-e\\s*|--error[= ])(\\S+)\\s*$", Pattern.MULTILINE);

    private final Settings settings;
    private final Consumer<String> progress;

    /** @param progress receives a line now and then while the job is waited for */
    DoctorNetworkCheck(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** @param remoteRuntime the workers' java runtime on the cluster side, null when there is none */
    Verdict run(RemoteShell shell, BatchSystem batch, String remoteJar, String remoteRuntime)
            throws IOException, InterruptedException {
        String doctorDir = shell.homeDir() + "/" + DOCTOR_DIR;
        shell.mkdirs(doctorDir, 0700);
        Listener listener = null;
        String address;
        String why;
        String configured = settings.string(ConfigKeys.SCHEDULER_ADDRESS).orElse(null);
        if (configured != null) {
            address = configured;
            why = "scheduler-address";
        } else {
            listener = startListener(shell, batch, remoteJar, doctorDir);
            if (listener.error != null) {
                listener.stop(shell);
                return new Verdict("FAIL", "the probe listener on " + shell.where() + " could not start: " + listener.error);
            }
            address = listener.address;
            why = listener.why;
        }
        try {
            return probe(shell, batch, remoteJar, remoteRuntime, doctorDir, address, why);
        } finally {
            if (listener != null) {
                listener.stop(shell);
            }
        }
    }

    private Verdict probe(RemoteShell shell, BatchSystem batch, String remoteJar, String remoteRuntime, String doctorDir,
                          String address,
                          String why) throws InterruptedException {
        Settings probeSettings = withLogDirectory(doctorDir);
        String script = JobScriptRenderer.renderProbe(probeSettings, remoteJar, remoteRuntime, address);
        String jobId = batch.submit(JobSubmission.of(script)).jobId();
        String output = fileGlob(OUTPUT_DIRECTIVE, "o", script, jobId, probeSettings);
        String errors = fileGlob(ERROR_DIRECTIVE, "e", script, jobId, probeSettings);
        if (output == null) {
            cancel(batch, jobId);
            return new Verdict("SKIP", "the job script names no -o output file, so the probe's answer cannot be read");
        }
        long start = System.currentTimeMillis();
        long lastProgress = start;
        JobState lastState = null;
        try {
            while (true) {
                CommandResult r = shell.run(RemoteCommand.query("cat -- " + output + " 2>/dev/null; true"));
                String answer = probeLine(r.stdout());
                if (answer != null) {
                    removeFiles(shell, output, errors);
                    return verdict(answer, address, why, output);
                }
                JobStatus status = batch.query(List.of(jobId)).get(jobId);
                long now = System.currentTimeMillis();
                if (status != null && status.state().isFinal()) {
                    // the output file may land a moment after the job ends (PBS copies it back); look once more
                    Thread.sleep(1000);
                    answer = probeLine(shell.run(RemoteCommand.query("cat -- " + output + " 2>/dev/null; true")).stdout());
                    if (answer != null) {
                        removeFiles(shell, output, errors);
                        return verdict(answer, address, why, output);
                    }
                    return new Verdict("FAIL", "test job " + jobId + " ended " + status.state() + " without the probe's"
                            + " answer; its output " + output + ": " + tail(r.stdout()));
                }
                if (now - start > ANSWER_MILLIS) {
                    String state = status == null ? "unknown" : status.state() + reason(status);
                    return status != null && status.state() == JobState.RUNNING
                            ? new Verdict("FAIL", "test job " + jobId + " ran but its probe of " + address + " ("
                                    + why + ") did not answer within " + ANSWER_MILLIS / 1000 + " s")
                            : new Verdict("SKIP", "test job " + jobId + " did not start within " + ANSWER_MILLIS / 1000
                                    + " s (" + state + "); try again when the queue is shorter");
                }
                JobState state = status == null ? JobState.UNKNOWN : status.state();
                if (state != lastState || now - lastProgress >= PROGRESS_EVERY_MILLIS) {
                    progress.accept("test job " + jobId + " " + state.name().toLowerCase() + reason(status) + " for "
                            + (now - start) / 1000 + " s; it probes " + address + " (" + why + ")");
                    lastState = state;
                    lastProgress = now;
                }
                Thread.sleep(1000);
            }
        } finally {
            cancel(batch, jobId);
        }
    }

    /** Answered probes leave nothing behind; an unanswered one keeps its files for the user to read. */
    private static void removeFiles(RemoteShell shell, String output, String errors) {
        try {
            shell.run(RemoteCommand.once("rm -f -- " + output + (errors == null ? "" : " " + errors)));
        } catch (RuntimeException e) {
            // only clutter is left
        }
    }

    private static String reason(JobStatus status) {
        // SLURM says "None" when it has nothing to say
        return status == null || status.reason() == null || status.reason().isBlank() || status.reason().equals("None")
                ? "" : " (" + status.reason() + ")";
    }

    private static Verdict verdict(String answer, String address, String why, String output) {
        String said = answer.substring(PROBE_PREFIX.length());
        if (said.contains(" reached ")) {
            return new Verdict("OK", "compute node " + said);
        }
        return new Verdict("FAIL", "compute node " + said + "; " + address + " came from " + why + ": workers would not"
                + " connect; run hpc-dask on the login node, or set --interface/--scheduler-address");
    }

    private static String probeLine(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith(PROBE_PREFIX)) {
                return line.strip();
            }
        }
        return null;
    }

    private static String tail(String text) {
        List<String> lines = text.strip().lines().toList();
        String last = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        return last.isBlank() ? "(empty or missing)" : last;
    }

    private static void cancel(BatchSystem batch, String jobId) {
        try {
            batch.cancel(List.of(jobId));
        } catch (RuntimeException e) {
            // a job that already ended cannot be cancelled on some systems (PBS's qdel); nothing is left to stop
        }
    }

    /** The profile as it is, except that its jobs write their output under doctor's directory unless it says where. */
    private Settings withLogDirectory(String doctorDir) {
        if (settings.string(ConfigKeys.LOG_DIRECTORY).isPresent()) {
            return settings;
        }
        Map<String, List<String>> raw = new LinkedHashMap<>(settings.raw());
        raw.put(ConfigKeys.LOG_DIRECTORY.name(), List.of(doctorDir));
        return Settings.recorded(raw, settings.profile(), "doctor");
    }

    /**
     * The job's output (or error) file as shell words (globs for PBS when {@code -o} names a directory, see
     * {@link PbsBatchSystem#filesInDirectory}): SLURM's {@code %j %J %A %x %%} patterns resolved. Null when the script
     * has no {@code -o}.
     */
    static String fileGlob(Pattern directive, String pbsLetter, String script, String jobId, Settings settings) {
        Matcher m = directive.matcher(script);
        String path = null;
        while (m.find()) {
            path = m.group(1);
        }
        if (path == null) {
            return null;
        }
        if (path.endsWith("/")) {
            return PbsBatchSystem.filesInDirectory(path, jobId, pbsLetter);
        }
        String name = settings.string(ConfigKeys.JOB_NAME).orElse("");
        String resolved = path.replace("%%", "\u0000").replace("%J", jobId).replace("%j", jobId).replace("%A", jobId)
                .replace("%x", name).replace("\u0000", "%");
        return ShellQuote.quote(resolved);
    }

    // ---- the listener on the login node ----

    private static final class Listener {
        String address;
        String why;
        String pid;
        String error;
        String portFile;

        void stop(RemoteShell shell) {
            String cmd = (pid != null && pid.matches("\\d+") ? "kill " + pid + " 2>/dev/null; " : "") + "rm -f -- "
                    + ShellQuote.quote(portFile);
            try {
                shell.run(RemoteCommand.once(cmd));
            } catch (RuntimeException e) {
                // it exits at its own deadline anyway
            }
        }
    }

    private Listener startListener(RemoteShell shell, BatchSystem batch, String remoteJar, String doctorDir)
            throws InterruptedException {
        Listener l = new Listener();
        l.portFile = doctorDir + "/probe-" + UUID.randomUUID() + ".port";
        List<String> words = new ArrayList<>(List.of(settings.string(ConfigKeys.JAVA).orElseThrow(), "-cp", remoteJar,
                "io.hpcdask.worker.ProbeListener", "--seconds", Integer.toString(LISTENER_SECONDS), "--port-file",
                l.portFile));
        settings.string(ConfigKeys.INTERFACE).ifPresent(i -> words.addAll(List.of("--interface", i)));
        String toward = null;
        try {
            toward = batch.controllerHost().orElse(null);
        } catch (RuntimeException e) {
            // without the controller the listener falls back to the host's own address
        }
        if (toward != null) {
            words.addAll(List.of("--toward", toward));
        }
        // detached from the session and its output, so the command returns at once and the SSH channel closes
        shell.run(RemoteCommand.once("nohup " + ShellQuote.join(words) + " </dev/null >/dev/null 2>&1 &"));
        long deadline = System.currentTimeMillis() + LISTENER_START_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            CommandResult r = shell.run(RemoteCommand.query("cat -- " + ShellQuote.quote(l.portFile) + " 2>/dev/null; true"));
            List<String> lines = r.stdout().strip().lines().toList();
            if (!lines.isEmpty() && lines.get(0).startsWith("error: ")) {
                l.error = lines.get(0).substring("error: ".length());
                return l;
            }
            if (lines.size() >= 3) {
                l.address = lines.get(0);
                l.pid = lines.get(1).replaceFirst("^pid ", "");
                l.why = lines.get(2);
                return l;
            }
            Thread.sleep(250);
        }
        l.error = "it wrote no address to " + l.portFile + " within " + Duration.ofMillis(LISTENER_START_MILLIS).toSeconds()
                + " s";
        return l;
    }
}
