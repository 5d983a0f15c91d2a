package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.RemoteCommand;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.launcher.script.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SLURM: {@code sbatch --parsable} with the script on stdin, one {@code squeue} for every job asked about (it also
 * shows jobs that ended less than MinJobAge ago), {@code sacct} for older ones when accounting is enabled,
 * {@code scancel}.
 */
public final class SlurmBatchSystem implements BatchSystem {
    private final RemoteShell shell;
    private volatile Boolean sacctAvailable;

    public SlurmBatchSystem(RemoteShell shell) {
        this.shell = shell;
    }

    @Override
    public String name() {
        return "slurm";
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
        String id = SlurmOutput.jobId(r.stdout());
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
        JobIds.check(jobIds, JobIds.SLURM, "SLURM");
        Map<String, JobStatus> found = new LinkedHashMap<>();
        if (jobIds.isEmpty()) {
            return found;
        }
        CommandResult r = shell.run(RemoteCommand.query("squeue -h -r -t all -o " + ShellQuote.quote(SlurmOutput.SQUEUE_FORMAT)
                + " -j " + String.join(",", jobIds)));
        // squeue fails this way when none of the ids is still known to the controller.
        if (!r.ok() && !r.stderr().contains("Invalid job id specified")) {
            r.orThrow();
        }
        SlurmOutput.statuses(r.stdout()).forEach(s -> found.put(s.jobId(), s));
        List<String> missing = jobIds.stream().filter(id -> !found.containsKey(id)).toList();
        if (!missing.isEmpty() && sacctAvailable != Boolean.FALSE) {
            CommandResult acct = shell.run(RemoteCommand.query("sacct -n -P -X -o " + SlurmOutput.SACCT_FIELDS + " -j "
                    + String.join(",", missing)));
            if (acct.ok() && !acct.stderr().contains("accounting storage is disabled")) {
                sacctAvailable = true;
                SlurmOutput.statuses(acct.stdout()).forEach(s -> found.putIfAbsent(s.jobId(), s));
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
        JobIds.check(jobIds, JobIds.SLURM, "SLURM");
        if (!jobIds.isEmpty()) {
            shell.run(RemoteCommand.once("scancel " + String.join(" ", jobIds))).orThrow();
        }
    }

    @Override
    public java.util.Optional<String> controllerHost() {
        CommandResult r = shell.run(RemoteCommand.query("scontrol show config"));
        return r.ok() ? java.util.Optional.ofNullable(SlurmOutput.controllerHost(r.stdout())) : java.util.Optional.empty();
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
        JobIds.check(List.of(jobId), JobIds.SLURM, "SLURM");
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
        return SlurmOutput.jobOutput(r.stdout());
    }
}
