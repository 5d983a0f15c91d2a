package io.hpcdask.launcher.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.RemoteCommand;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Walltime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PBS Pro / OpenPBS and Torque: {@code qsub} with the script on stdin (arrays {@code -J} on PBS Pro, {@code -t} on
 * Torque), {@code qstat -f -F json -x} with a fallback to Torque's plain table, {@code qdel}; and how its job
 * scripts write memory and time. Reads what they print: OpenPBS 23.06 as captured from a real server (tests use the
 * captures), PBS Pro 19+ and Torque 6 as documented.
 */
public final class PbsBatchSystem implements BatchSystem {
    public static final BatchSystemType TYPE = new BatchSystemType("pbs", "PBS", "#PBS",
            Pattern.compile("\\d+(\\[\\d*\\])?(\\.[A-Za-z0-9._-]+)?"), PbsBatchSystem::memory, PbsBatchSystem::walltime,
            new BatchSystemType.Detection("qsub", "command -v qstat >/dev/null 2>&1 && qstat --version 2>&1 | head -n 2",
                    PbsBatchSystem::flavourNamed),
            (shell, localJobsDir) -> detect(shell));

    public enum Flavor {
        PRO, TORQUE;

        /** From {@code qstat --version}: PBS Pro prints {@code pbs_version = 19.1.3}, Torque {@code Version: 6.1.2}; else null. */
        static Flavor of(String versionOutput) {
            return versionOutput.contains("pbs_version") ? PRO : versionOutput.contains("Version:") ? TORQUE : null;
        }
    }

    private final RemoteShell shell;
    private volatile Flavor flavor;

    public PbsBatchSystem(RemoteShell shell, Flavor flavor) {
        this.shell = shell;
        this.flavor = flavor;
    }

    /** Asks {@code qstat --version}; a qstat that names neither flavour is taken for Torque. */
    public static PbsBatchSystem detect(RemoteShell shell) {
        CommandResult r = shell.run("qstat --version");
        Flavor f = Flavor.of(r.stdout() + r.stderr());
        return new PbsBatchSystem(shell, f == null ? Flavor.TORQUE : f);
    }

    /** The flavour in words, for the line that says which system was found. */
    static String flavourNamed(String versionOutput) {
        Flavor f = Flavor.of(versionOutput);
        return f == Flavor.PRO ? "PBS Pro" : f == Flavor.TORQUE ? "Torque" : "PBS";
    }

    public Flavor flavor() {
        return flavor;
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    /** {@code mem=}: binary amounts exactly in the largest whole unit; decimal ones rounded up in the largest unit with at least 10. */
    static String memory(Memory m) {
        return m.isDecimal() ? m.ceilInUnitWithAtLeast(10, "B") : m.exactInLargestWholeUnit("B");
    }

    /** {@code walltime=}: HH:MM:SS with hours that may exceed 24. */
    static String walltime(Walltime w) {
        return String.format("%02d:%02d:%02d", w.seconds() / 3600, w.seconds() % 3600 / 60, w.seconds() % 60);
    }

    @Override
    public SubmittedJobs submit(JobSubmission submission) {
        String id = qsub(submission, false);
        List<String> tasks = new ArrayList<>();
        if (submission.arraySize() > 1) {
            for (int i = 0; i < submission.arraySize(); i++) {
                tasks.add(taskId(id, i));
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
        return jobId(r.stdout());
    }

    @Override
    public Map<String, JobStatus> query(Collection<String> jobIds) {
        TYPE.checkIds(jobIds);
        Map<String, JobStatus> found = new LinkedHashMap<>();
        if (jobIds.isEmpty()) {
            return found;
        }
        String ids = ShellQuote.join(List.copyOf(jobIds));
        if (flavor == Flavor.PRO) {
            CommandResult r = shell.run(RemoteCommand.query("qstat -f -F json -x -t " + ids));
            if (r.stdout().strip().startsWith("{")) {
                proJson(r.stdout()).forEach(s -> found.put(s.jobId(), s));
            } else if (r.stderr().contains("-F") || r.stderr().contains("invalid option")) {
                // Torque's qstat has no JSON output; remember and use its plain table from now on.
                flavor = Flavor.TORQUE;
            } else if (!r.ok() && unknownIds(r.stderr()).isEmpty()) {
                r.orThrow();
            }
        }
        if (flavor == Flavor.TORQUE) {
            CommandResult r = shell.run(RemoteCommand.query("qstat -t " + ids));
            if (!r.ok() && unknownIds(r.stderr()).isEmpty()) {
                r.orThrow();
            }
            torqueTable(r.stdout()).forEach(s -> found.put(s.jobId(), s));
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
        TYPE.checkIds(jobIds);
        if (jobIds.isEmpty()) {
            return;
        }
        CommandResult r = shell.run(RemoteCommand.once("qdel " + ShellQuote.join(List.copyOf(jobIds))));
        // qdel goes through every id it is given and fails for one that has already ended, which is what a cancel wants
        if (!r.ok() && !onlyAlreadyEnded(r.stderr())) {
            r.orThrow();
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
        return java.util.Optional.ofNullable(serverHost(qstat, conf));
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

    /**
     * The files a job writes when {@code -o} or {@code -e} names a directory, as shell words: OpenPBS names them
     * {@code DIR/N.server.OU} and {@code .ER}; Torque {@code DIR/JOBNAME.oN} and {@code .eN}.
     *
     * @param letter {@code o} for stdout, {@code e} for stderr
     */
    public static String filesInDirectory(String directory, String jobId, String letter) {
        String number = jobId.replaceAll("^(\\d+).*$", "$1");
        return ShellQuote.quote(directory + jobId + (letter.equals("o") ? ".OU" : ".ER")) + " "
                + ShellQuote.quote(directory) + "*." + letter + number + "*";
    }

    // What qsub, qstat and qdel print.

    /** PBS Pro's code for a job the MoM killed for exceeding its walltime. */
    static final int JOB_EXEC_KILL_WALLTIME = -29;
    private static final Pattern QSUB_ID = Pattern.compile("^(\\d+(?:\\[\\])?(?:\\.[A-Za-z0-9._-]+)?)\\s*$", Pattern.MULTILINE);
    private static final Pattern UNKNOWN_JOB = Pattern.compile("Unknown Job Id(?: Error)?:?\\s+(\\S+)");

    /** Made at the first qstat JSON read, not when the batch systems are listed (every command's start). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** {@code 1234.server}, or {@code 1234[].server} for an array. */
    static String jobId(String stdout) {
        Matcher m = QSUB_ID.matcher(stdout.strip());
        if (m.find()) {
            return m.group(1);
        }
        throw new CommandFailedException("qsub succeeded but printed no job id; its output was: " + stdout.strip());
    }

    /** The id of task {@code index} of array {@code arrayId} ({@code 1234[].server} gives {@code 1234[3].server}). */
    static String taskId(String arrayId, int index) {
        return arrayId.replace("[]", "[" + index + "]");
    }

    /** Ids qstat called unknown on stderr (purged from its history). */
    static List<String> unknownIds(String stderr) {
        List<String> ids = new ArrayList<>();
        Matcher m = UNKNOWN_JOB.matcher(stderr);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /**
     * Whether every line qdel printed says a job has already ended: {@code qdel: Job has finished N.server} (exit 35)
     * or, once purged from the history, {@code qdel: Unknown Job Id N.server} (exit 153).
     */
    static boolean onlyAlreadyEnded(String qdelStderr) {
        List<String> lines = qdelStderr.lines().filter(l -> !l.isBlank()).toList();
        return !lines.isEmpty() && lines.stream().allMatch(l -> l.startsWith("qdel: Job has finished ") || UNKNOWN_JOB.matcher(l).find());
    }

    /** {@code qstat -f -F json -x [-t]}: every job and subjob under "Jobs". */
    static List<JobStatus> proJson(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new CommandFailedException("qstat -F json printed something that is not JSON: " + e.getMessage());
        }
        List<JobStatus> out = new ArrayList<>();
        JsonNode jobs = root.path("Jobs");
        for (Iterator<Map.Entry<String, JsonNode>> it = jobs.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(proStatus(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static JobStatus proStatus(String id, JsonNode job) {
        String s = job.path("job_state").asText("");
        String comment = job.path("comment").asText("");
        JsonNode exit = job.get("Exit_status");
        return switch (s) {
            case "Q", "W", "T", "M" -> new JobStatus(id, JobState.PENDING, waitingReason(comment, job.path("Hold_Types").asText("n")));
            case "H" -> new JobStatus(id, JobState.PENDING, comment.isEmpty() ? "held" : comment);
            case "R", "E", "S", "U", "B" -> new JobStatus(id, JobState.RUNNING, runningReason(comment));
            case "F", "X" -> finished(id, exit == null ? null : exit.asInt(), comment);
            default -> JobStatus.unknown(id, "job_state " + s + (comment.isEmpty() ? "" : ": " + comment));
        };
    }

    /**
     * A waiting subjob of an array that began carries the array's "Job Array Began at ..." comment, which says nothing
     * of it; the subjobs of a held array wait in Q with the array's hold in their Hold_Types.
     */
    private static String waitingReason(String comment, String holdTypes) {
        String own = comment.startsWith("Job Array Began") ? "" : comment;
        return own.isEmpty() && !holdTypes.equals("n") ? "held" : own;
    }

    /** "Job run at ... on (node:ncpus=1)" says where it runs, not why it is in its state: no reason. */
    private static String runningReason(String comment) {
        return comment.startsWith("Job run at") ? "" : comment;
    }

    private static JobStatus finished(String id, Integer exit, String comment) {
        if (exit == null) {
            // Deleted before it ran: PBS records no exit status.
            return new JobStatus(id, JobState.CANCELLED, comment);
        }
        String reason = "exit status " + exit + (comment.isEmpty() ? "" : "; " + comment);
        if (exit == 0) {
            return new JobStatus(id, JobState.COMPLETED, reason);
        }
        if (exit == JOB_EXEC_KILL_WALLTIME) {
            return new JobStatus(id, JobState.TIMEOUT, reason);
        }
        // 256 + signal: killed by SIGTERM or SIGKILL, which is what qdel does to a running job.
        if (exit == 271 || exit == 265) {
            return new JobStatus(id, JobState.CANCELLED, reason);
        }
        return new JobStatus(id, JobState.FAILED, reason);
    }

    /**
     * Torque's plain {@code qstat [-t]} table: Job ID, Name, User, Time Use, S, Queue. Plain output has no exit
     * status, so a completed job reads as COMPLETED whatever its exit code.
     */
    static List<JobStatus> torqueTable(String text) {
        List<JobStatus> out = new ArrayList<>();
        boolean body = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("---")) {
                body = true;
                continue;
            }
            String[] f = line.strip().split("\\s+");
            if (!body || f.length < 6) {
                continue;
            }
            String state = f[f.length - 2];
            String queue = f[f.length - 1];
            JobState js = switch (state) {
                case "Q", "W", "T", "H" -> JobState.PENDING;
                case "R", "E", "S" -> JobState.RUNNING;
                case "C" -> JobState.COMPLETED;
                default -> JobState.UNKNOWN;
            };
            out.add(new JobStatus(f[0], js, (state.equals("H") ? "held; " : "") + "state " + state + " in queue " + queue));
        }
        return out;
    }

    private static final Pattern SERVER_HOST = Pattern.compile("^\\s+server_host\\s*=\\s*(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern SERVER_NAME = Pattern.compile("^Server:\\s*(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern CONF_SERVER = Pattern.compile("^\\s*PBS_SERVER\\s*=\\s*['\"]?([^'\"\\s]+)", Pattern.MULTILINE);

    /**
     * The PBS server from {@code qstat -Bf} ({@code server_host = ...} on PBS Pro, else the {@code Server: name}
     * line that Torque prints too), else from {@code PBS_SERVER=} in {@code /etc/pbs.conf}. Null when neither says.
     */
    static String serverHost(String qstatBf, String pbsConf) {
        for (Pattern p : List.of(SERVER_HOST, SERVER_NAME)) {
            Matcher m = p.matcher(qstatBf == null ? "" : qstatBf);
            if (m.find()) {
                return m.group(1);
            }
        }
        Matcher m = CONF_SERVER.matcher(pbsConf == null ? "" : pbsConf);
        return m.find() ? m.group(1) : null;
    }
}
