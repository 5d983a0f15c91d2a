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
 * PBS Pro / OpenPBS and Torque: {@code qsub} with the script on stdin (arrays {@code -J} on PBS Pro, {@code -t} on
 * Torque), {@code qstat -f -F json -x} with a fallback to Torque's plain table, {@code qdel}.
 */
public final class PbsBatchSystem implements BatchSystem {
    public enum Flavor { PRO, TORQUE }

    private final RemoteShell shell;
    private volatile Flavor flavor;

    public PbsBatchSystem(RemoteShell shell, Flavor flavor) {
        this.shell = shell;
        this.flavor = flavor;
    }

    /** Asks {@code qstat --version}: PBS Pro prints {@code pbs_version = 19.1.3}, Torque {@code Version: 6.1.2}. */
    public static PbsBatchSystem detect(RemoteShell shell) {
        CommandResult r = shell.run("qstat --version");
        String text = r.stdout() + r.stderr();
        return new PbsBatchSystem(shell, text.contains("pbs_version") ? Flavor.PRO : Flavor.TORQUE);
    }

    public Flavor flavor() {
        return flavor;
    }

    @Override
    public String name() {
        return "pbs";
    }

    @Override
    public SubmittedJobs submit(JobSubmission submission) {
        String id = qsub(submission, false);
        List<String> tasks = new ArrayList<>();
        if (submission.arraySize() > 1) {
            for (int i = 0; i < submission.arraySize(); i++) {
                tasks.add(PbsOutput.taskId(id, i));
            }
        } else {
            tasks.add(id);
        }
        return new SubmittedJobs(id, tasks);
    }

    private String qsub(JobSubmission submission, boolean held) {
        List<String> cmd = new ArrayList<>(List.of("qsub"));
        if (held) {
            cmd.add("-h");
        }
        if (submission.arraySize() > 1) {
            cmd.add(flavor == Flavor.PRO ? "-J" : "-t");
            cmd.add("0-" + (submission.arraySize() - 1));
        }
        cmd.addAll(submission.extraArgs());
        CommandResult r = shell.run(RemoteCommand.once(ShellQuote.join(cmd))
                .withStdin(submission.script().getBytes(StandardCharsets.UTF_8))).orThrow();
        return PbsOutput.jobId(r.stdout());
    }

    @Override
    public Map<String, JobStatus> query(Collection<String> jobIds) {
        JobIds.check(jobIds, JobIds.PBS, "PBS");
        Map<String, JobStatus> found = new LinkedHashMap<>();
        if (jobIds.isEmpty()) {
            return found;
        }
        String ids = ShellQuote.join(List.copyOf(jobIds));
        if (flavor == Flavor.PRO) {
            CommandResult r = shell.run(RemoteCommand.query("qstat -f -F json -x -t " + ids));
            if (r.stdout().strip().startsWith("{")) {
                PbsOutput.proJson(r.stdout()).forEach(s -> found.put(s.jobId(), s));
            } else if (r.stderr().contains("-F") || r.stderr().contains("invalid option")) {
                // Torque's qstat has no JSON output; remember and use its plain table from now on.
                flavor = Flavor.TORQUE;
            } else if (!r.ok() && PbsOutput.unknownIds(r.stderr()).isEmpty()) {
                r.orThrow();
            }
        }
        if (flavor == Flavor.TORQUE) {
            CommandResult r = shell.run(RemoteCommand.query("qstat -t " + ids));
            if (!r.ok() && PbsOutput.unknownIds(r.stderr()).isEmpty()) {
                r.orThrow();
            }
            PbsOutput.torqueTable(r.stdout()).forEach(s -> found.put(s.jobId(), s));
        }
        Map<String, JobStatus> answer = new LinkedHashMap<>();
        for (String id : jobIds) {
            answer.put(id, lookup(found, id));
        }
        return answer;
    }

    /** Torque's table cuts long ids short, so a shown id that begins the asked-for one also matches. */
    private static JobStatus lookup(Map<String, JobStatus> found, String id) {
        JobStatus s = found.get(id);
        if (s != null) {
            return s;
        }
        int dot = id.indexOf('.');
        for (JobStatus candidate : found.values()) {
            String shown = candidate.jobId().endsWith("...")
                    ? candidate.jobId().substring(0, candidate.jobId().length() - 3) : candidate.jobId();
            if (dot > 0 && shown.length() > dot && id.startsWith(shown)) {
                return new JobStatus(id, candidate.state(), candidate.reason());
            }
        }
        return JobStatus.unknown(id, "not known to qstat (purged from its history)");
    }

    @Override
    public void cancel(Collection<String> jobIds) {
        JobIds.check(jobIds, JobIds.PBS, "PBS");
        if (!jobIds.isEmpty()) {
            shell.run(RemoteCommand.once("qdel " + ShellQuote.join(List.copyOf(jobIds)))).orThrow();
        }
    }

    /** One round trip: the server's own answer, and the client's config file for when qstat cannot reach it. */
    @Override
    public java.util.Optional<String> controllerHost() {
        CommandResult r = shell.run(RemoteCommand.query("qstat -Bf 2>/dev/null; echo " + CONF_MARK
                + "; cat \"${PBS_CONF_FILE:-/etc/pbs.conf}\" 2>/dev/null; true"));
        String out = r.stdout();
        int mark = out.indexOf(CONF_MARK);
        String qstat = mark < 0 ? out : out.substring(0, mark);
        String conf = mark < 0 ? "" : out.substring(mark + CONF_MARK.length());
        return java.util.Optional.ofNullable(PbsOutput.serverHost(qstat, conf));
    }

    private static final String CONF_MARK = "--hpc-dask-pbs-conf--";

    @Override
    public List<String> requiredCommands() {
        return List.of("qsub", "qstat", "qdel");
    }

    @Override
    public String versionCommand() {
        return "qstat --version";
    }

    @Override
    public String testSubmission(JobSubmission submission) {
        String id = qsub(submission, true);
        shell.run(RemoteCommand.once("qdel " + ShellQuote.quote(id))).orThrow();
        return "held job " + id + " accepted, then deleted";
    }
}
