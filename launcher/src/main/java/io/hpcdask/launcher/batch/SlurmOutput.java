package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.failure.CommandFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what sbatch, squeue and sacct print, across SLURM 20 to 24. */
final class SlurmOutput {
    /** squeue format: job id (JOBID_TASK for array tasks with -r), long state name, reason or node list. */
    static final String SQUEUE_FORMAT = "%i|%T|%R";
    static final String SACCT_FIELDS = "JobID,State,Reason";

    private static final Pattern PARSABLE = Pattern.compile("^(\\d+)(?:;\\S+)?$", Pattern.MULTILINE);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");

    private SlurmOutput() {
    }

    /** The job id from {@code sbatch --parsable} ({@code N} or {@code N;cluster}) or plain {@code Submitted batch job N}. */
    static String jobId(String stdout) {
        Matcher m = PARSABLE.matcher(stdout.strip());
        if (m.find()) {
            return m.group(1);
        }
        m = SUBMITTED.matcher(stdout);
        if (m.find()) {
            return m.group(1);
        }
        throw new CommandFailedException("sbatch succeeded but printed no job id; its output was: " + stdout.strip());
    }

    /** Lines of {@code squeue -h -o '%i|%T|%R'} or {@code sacct -n -P -o JobID,State,Reason}. */
    static List<JobStatus> statuses(String text) {
        List<JobStatus> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            // sacct lists job steps (123.batch, 123.0) unless -X; only whole jobs and array tasks count.
            if (f[0].contains(".")) {
                continue;
            }
            String reason = f.length > 2 ? stripParens(f[2].strip()) : "";
            out.add(new JobStatus(f[0], state(f[1]), reason));
        }
        return out;
    }

    /** SLURM's long state names (squeue %T, sacct State, which may read {@code CANCELLED by 1000}). */
    static JobState state(String slurmState) {
        String s = slurmState.strip();
        int space = s.indexOf(' ');
        if (space > 0) {
            s = s.substring(0, space);
        }
        s = s.replace("+", "");
        return switch (s) {
            case "PENDING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESV_DEL_HOLD", "CONFIGURING" -> JobState.PENDING;
            case "RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT", "RESIZING" -> JobState.RUNNING;
            case "COMPLETED" -> JobState.COMPLETED;
            case "CANCELLED", "PREEMPTED", "REVOKED" -> JobState.CANCELLED;
            case "FAILED", "NODE_FAIL", "BOOT_FAIL", "OUT_OF_MEMORY", "SPECIAL_EXIT" -> JobState.FAILED;
            case "TIMEOUT", "DEADLINE" -> JobState.TIMEOUT;
            default -> JobState.UNKNOWN;
        };
    }

    private static String stripParens(String r) {
        return r.startsWith("(") && r.endsWith(")") ? r.substring(1, r.length() - 1) : r;
    }

    private static final Pattern CONFIG_LINE = Pattern.compile("^\\s*([A-Za-z]+(?:\\[0\\])?)\\s*=\\s*(\\S.*?)\\s*$", Pattern.MULTILINE);
    private static final Pattern HOST_WITH_ADDRESS = Pattern.compile("^([^()\\s]+)\\(([^()\\s]+)\\)$");

    /**
     * The controller from {@code scontrol show config}: {@code SlurmctldAddr} when set (the address nodes use, e.g.
     * a virtual IP), else the address of {@code SlurmctldHost[0] = login(10.213.1.1)}, else its name; SLURM before
     * 17.11 says {@code ControlAddr} and {@code ControlMachine}. Null when none is there.
     */
    static String controllerHost(String config) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        Matcher m = CONFIG_LINE.matcher(config);
        while (m.find()) {
            String v = m.group(2);
            if (!v.equals("(null)") && !v.isEmpty()) {
                values.putIfAbsent(m.group(1), v);
            }
        }
        if (values.containsKey("SlurmctldAddr")) {
            return values.get("SlurmctldAddr");
        }
        String host = values.get("SlurmctldHost[0]");
        if (host != null) {
            Matcher h = HOST_WITH_ADDRESS.matcher(host);
            return h.matches() ? h.group(2) : host.split("\\s+")[0];
        }
        return values.getOrDefault("ControlAddr", values.get("ControlMachine"));
    }

    /**
     * What {@link SlurmBatchSystem#output} prints: {@code stdout=PATH}, {@code stderr=PATH}, then the stderr file's
     * last lines. Empty paths (a job scontrol no longer knows) are null.
     */
    static JobOutput jobOutput(String text) {
        String[] lines = text.split("\n", -1);
        String stdout = null;
        String stderr = null;
        StringBuilder tail = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i == 0 && lines[i].startsWith("stdout=")) {
                stdout = emptyToNull(lines[i].substring("stdout=".length()));
            } else if (i == 1 && lines[i].startsWith("stderr=")) {
                stderr = emptyToNull(lines[i].substring("stderr=".length()));
            } else if (!lines[i].isBlank()) {
                tail.append(tail.isEmpty() ? "" : " ").append(lines[i].strip().replaceAll("\\s+", " "));
            }
        }
        return new JobOutput(stdout, stderr, tail.isEmpty() ? null : "stderr: " + tail);
    }

    private static String emptyToNull(String s) {
        return s.isBlank() ? null : s.strip();
    }
}
