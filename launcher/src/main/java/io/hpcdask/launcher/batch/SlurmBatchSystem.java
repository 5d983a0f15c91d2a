package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.RemoteCommand;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Walltime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SLURM: {@code sbatch --parsable} with the script on stdin, one {@code squeue} for every job asked about (it also
 * shows jobs that ended less than MinJobAge ago), {@code sacct} for older ones when accounting is enabled,
 * {@code scancel}; and how its job scripts write memory and time. Reads what they print across SLURM 20 to 24.
 */
public final class SlurmBatchSystem implements BatchSystem {
    public static final BatchSystemType TYPE = new BatchSystemType("slurm", "SLURM", "#SBATCH",
            Pattern.compile("\\d+(_\\d+)?"), SlurmBatchSystem::memory, SlurmBatchSystem::walltime,
            new BatchSystemType.Detection("sbatch", "", probe -> null), (shell, localJobsDir) -> new SlurmBatchSystem(shell));

    private final RemoteShell shell;
    private volatile Boolean sacctAvailable;

    public SlurmBatchSystem(RemoteShell shell) {
        this.shell = shell;
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    /** {@code --mem}: binary amounts exactly in the largest whole unit; decimal ones rounded up in the largest unit with at least 1. */
    static String memory(Memory m) {
        return m.isDecimal() ? m.ceilInUnitWithAtLeast(1, "") : m.exactInLargestWholeUnit("");
    }

    /** {@code -t}: HH:MM:SS, or D-HH:MM:SS from one day on. */
    static String walltime(Walltime w) {
        long days = w.seconds() / 86400;
        long rest = w.seconds() % 86400;
        String hms = String.format("%02d:%02d:%02d", rest / 3600, rest % 3600 / 60, rest % 60);
        return days > 0 ? days + "-" + hms : hms;
    }

    @Override
    public SubmittedJobs submit(JobSubmission submission) {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
        if (submission.arraySize() > 1) {
            cmd.add("--array=0-" + (submission.arraySize() - 1));
        }
        cmd.addAll(submission.extraArgs());
        CommandResult r = shell.run(RemoteCommand.once(ShellQuote.join(cmd))
                .withStdin(submission.script().getBytes(StandardCharsets.UTF_8))).orThrow();
        String id = jobId(r.stdout());
        List<String> tasks = new ArrayList<>();
        if (submission.arraySize() > 1) {
            for (int i = 0; i < submission.arraySize(); i++) {
                tasks.add(id + "_" + i);
            }
        } else {
            tasks.add(id);
        }
        return new SubmittedJobs(id, tasks);
    }

    @Override
    public Map<String, JobStatus> query(Collection<String> jobIds) {
        TYPE.checkIds(jobIds);
        Map<String, JobStatus> found = new LinkedHashMap<>();
        if (jobIds.isEmpty()) {
            return found;
        }
        CommandResult r = shell.run(RemoteCommand.query("squeue -h -r -t all -o " + ShellQuote.quote(SQUEUE_FORMAT)
                + " -j " + String.join(",", jobIds)));
        // squeue fails this way when none of the ids is still known to the controller.
        if (!r.ok() && !r.stderr().contains("Invalid job id specified")) {
            r.orThrow();
        }
        statuses(r.stdout()).forEach(s -> found.put(s.jobId(), s));
        List<String> missing = jobIds.stream().filter(id -> !found.containsKey(id)).toList();
        if (!missing.isEmpty() && sacctAvailable != Boolean.FALSE) {
            CommandResult acct = shell.run(RemoteCommand.query("sacct -n -P -X -o " + SACCT_FIELDS + " -j "
                    + String.join(",", missing)));
            if (acct.ok() && !acct.stderr().contains("accounting storage is disabled")) {
                sacctAvailable = true;
                statuses(acct.stdout()).forEach(s -> found.putIfAbsent(s.jobId(), s));
            } else {
                sacctAvailable = false;
            }
        }
        Map<String, JobStatus> answer = new LinkedHashMap<>();
        for (String id : jobIds) {
            answer.put(id, found.getOrDefault(id, JobStatus.unknown(id, "not known to squeue (it forgets jobs MinJobAge"
                    + " after they end)" + (sacctAvailable == Boolean.FALSE ? " and sacct is unavailable" : " nor to sacct"))));
        }
        found.forEach(answer::putIfAbsent);
        return answer;
    }

    @Override
    public void cancel(Collection<String> jobIds) {
        TYPE.checkIds(jobIds);
        if (!jobIds.isEmpty()) {
            shell.run(RemoteCommand.once("scancel " + String.join(" ", jobIds))).orThrow();
        }
    }

    @Override
    public java.util.Optional<String> controllerHost() {
        CommandResult r = shell.run(RemoteCommand.query("scontrol show config"));
        return r.ok() ? java.util.Optional.ofNullable(controllerHost(r.stdout())) : java.util.Optional.empty();
    }

    @Override
    public List<String> requiredCommands() {
        return List.of("sbatch", "squeue", "scancel");
    }

    @Override
    public String versionCommand() {
        return "sbatch --version";
    }

    @Override
    public String testSubmission(JobSubmission submission) {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--test-only"));
        if (submission.arraySize() > 1) {
            cmd.add("--array=0-" + (submission.arraySize() - 1));
        }
        cmd.addAll(submission.extraArgs());
        CommandResult r = shell.run(RemoteCommand.query(ShellQuote.join(cmd))
                .withStdin(submission.script().getBytes(StandardCharsets.UTF_8))).orThrow();
        // --test-only answers on stderr: "sbatch: Job 20 to start at ... on nodes vm in partition debug".
        return (r.stderr() + r.stdout()).strip();
    }

    @Override
    public JobOutput output(String jobId) {
        TYPE.checkIds(List.of(jobId));
        // scontrol gives the files as written (-e DIR/name-%J.err); the patterns are resolved from its own fields
        String script = "line=$(scontrol show job -o " + ShellQuote.quote(jobId) + " 2>/dev/null)\n" + """
                get() { printf '%s\\n' "$line" | tr ' ' '\\n' | sed -n "s/^$1=//p" | head -n 1; }
                j=$(get JobId); a=$(get ArrayJobId); t=$(get ArrayTaskId); x=$(get JobName); u=$(get UserId); u=${u%%(*}
                resolve() { f=$1; f=${f//%J/$j}; f=${f//%j/$j}; f=${f//%A/${a:-$j}}; f=${f//%a/$t}; f=${f//%x/$x}; f=${f//%u/$u}; printf '%s' "$f"; }
                o=$(resolve "$(get StdOut)"); e=$(resolve "$(get StdErr)")
                printf 'stdout=%s\\nstderr=%s\\n' "$o" "$e"
                [ -r "$e" ] && tail -n 5 "$e"
                """;
        CommandResult r = shell.run(RemoteCommand.query(script));
        if (!r.ok() && r.stdout().isBlank()) {
            return null;
        }
        return jobOutput(r.stdout());
    }

    // What sbatch, squeue, sacct and scontrol print.

    /**
     * squeue format: job id (JOBID_TASK for array tasks with -r), long state name, reason. {@code %r}, not {@code %R}:
     * %R prints the node list instead of the reason for a running or ended job, which a REASON column must not show.
     */
    static final String SQUEUE_FORMAT = "%i|%T|%r";
    static final String SACCT_FIELDS = "JobID,State,Reason";

    private static final Pattern PARSABLE = Pattern.compile("^(\\d+)(?:;\\S+)?$", Pattern.MULTILINE);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");

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

    /**
     * Lines of {@code squeue -h -o '%i|%T|%r'} or {@code sacct -n -P -o JobID,State,Reason}. Both say {@code None} for a
     * job with no reason (running, or ended normally): that is no reason, so it is left empty.
     */
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
            if (reason.equals("None")) {
                reason = "";
            }
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
     * What {@link #output} prints: {@code stdout=PATH}, {@code stderr=PATH}, then the stderr file's
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
