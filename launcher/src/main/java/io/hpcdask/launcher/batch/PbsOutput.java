package io.hpcdask.launcher.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.failure.CommandFailedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what qsub and qstat print: PBS Pro 19+ ({@code qstat -f -F json -x}) and Torque 6 (plain {@code qstat}). */
final class PbsOutput {
    /** PBS Pro's code for a job the MoM killed for exceeding its walltime. */
    static final int JOB_EXEC_KILL_WALLTIME = -29;
    private static final Pattern QSUB_ID = Pattern.compile("^(\\d+(?:\\[\\])?(?:\\.[A-Za-z0-9._-]+)?)\\s*$", Pattern.MULTILINE);
    private static final Pattern UNKNOWN_JOB = Pattern.compile("Unknown Job Id(?: Error)?:?\\s+(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PbsOutput() {
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

    /** {@code qstat -f -F json -x [-t]}: every job and subjob under "Jobs". */
    static List<JobStatus> proJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
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
            case "Q", "W", "T", "M" -> new JobStatus(id, JobState.PENDING, comment);
            case "H" -> new JobStatus(id, JobState.PENDING, comment.isEmpty() ? "held" : comment);
            case "R", "E", "S", "U", "B" -> new JobStatus(id, JobState.RUNNING, comment);
            case "F", "X" -> finished(id, exit == null ? null : exit.asInt(), comment);
            default -> JobStatus.unknown(id, "job_state " + s + (comment.isEmpty() ? "" : ": " + comment));
        };
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
