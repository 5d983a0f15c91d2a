package io.hpcdask.launcher.config;

import io.hpcdask.launcher.batch.BatchSystemType;
import io.hpcdask.launcher.batch.BatchSystems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Every setting hpc-dask knows, in the order {@code config show} lists them. */
public final class ConfigKeys {
    public static final ConfigKey SYSTEM = key("system", ValueKind.SYSTEM, "local", "batch system that runs workers: "
            + orList(BatchSystems.NAMES) + " (unset: " + detectionHelp() + ")");
    public static final ConfigKey TEMPLATE_DIR = key("template-dir", ValueKind.PATH, null, "directory whose "
            + orList(templates()) + " replace the built-in ones");
    public static final ConfigKey CORES = key("cores", ValueKind.POSITIVE_INT, null, "cores per worker job");
    public static final ConfigKey MEMORY = key("memory", ValueKind.MEMORY, null, "memory per worker job, e.g. 8G or 28GB");
    public static final ConfigKey WALLTIME = key("walltime", ValueKind.WALLTIME, "00:30:00", "time limit of each worker job");
    public static final ConfigKey QUEUE = key("queue", ValueKind.DIRECTIVE_WORD, null, "queue (SLURM partition)");
    public static final ConfigKey ACCOUNT = key("account", ValueKind.DIRECTIVE_WORD, null, "account to charge");
    public static final ConfigKey JOB_NAME = key("job-name", ValueKind.JOB_NAME, "hpc-dask-worker", "name of worker jobs");
    public static final ConfigKey JOB_EXTRA_DIRECTIVE = list("job-extra-directive", ValueKind.TEXT,
            "extra header directive, appended after the generated ones and never filtered (repeatable)");
    public static final ConfigKey DIRECTIVE_SKIP = list("directive-skip", ValueKind.TEXT,
            "drop generated header lines containing this text (repeatable)");
    public static final ConfigKey PROLOGUE = list("prologue", ValueKind.TEXT, "shell line run before the worker (repeatable)");
    public static final ConfigKey EPILOGUE = list("epilogue", ValueKind.TEXT, "shell line run after the worker (repeatable)");
    public static final ConfigKey LOG_DIRECTORY = key("log-directory", ValueKind.DIRECTIVE_PATH, null,
            "directory for the jobs' stdout and stderr files");
    public static final ConfigKey LOCAL_DIRECTORY = key("local-directory", ValueKind.NODE_PATH, null,
            "worker scratch directory on the node; may name $VARs such as $TMPDIR");
    // How workers start (worker-command, else worker-java, which tries java first when auto): see WorkerJava.
    public static final ConfigKey JAVA = key("java", ValueKind.TEXT, "java",
            "java command on the nodes, used when it is Java 17 or newer (worker-java auto)");
    public static final ConfigKey WORKER_JAVA = key("worker-java", ValueKind.WORKER_JAVA, "auto",
            "java of the workers: auto (the nodes' java when it is 17 or newer, else the runtime bundled with hpc-dask),"
                    + " bundled, or a java command used as is");
    public static final ConfigKey WORKER_COMMAND = key("worker-command", ValueKind.COMMAND_LINE, null,
            "command line that runs the worker JVM, e.g. 'apptainer exec img.sif java'; when set, java and worker-java"
                    + " are not used");
    public static final ConfigKey RESOURCES = key("resources", ValueKind.RESOURCES, null,
            "what each worker offers beyond cores and memory, e.g. 'gpu=1 foo=5'");
    public static final ConfigKey SCHEDULER_ADDRESS = key("scheduler-address", ValueKind.SCHEDULER_ADDRESS, null,
            "HOST:PORT the workers dial");
    public static final ConfigKey INTERFACE = key("interface", ValueKind.INTERFACE, null,
            "network interface of the scheduler's host whose address workers dial, e.g. ib0 (unset: the route toward the"
                    + " batch system's controller)");
    public static final ConfigKey SERVER = key("server", ValueKind.SERVER, "remote",
            "with ssh: where the scheduler server runs, 'remote' (on the login node) or 'here' (this machine)");
    public static final ConfigKey REMOTE_DIRECTORY = key("remote-directory", ValueKind.TEXT, null,
            "with a remote server: the default working directory of runs on the cluster (unset: the remote home)");
    public static final ConfigKey DEATH_TIMEOUT = key("death-timeout", ValueKind.SECONDS, "60",
            "seconds a worker waits for an unreachable scheduler before it exits");
    public static final ConfigKey HEARTBEAT_INTERVAL = key("heartbeat-interval", ValueKind.SECONDS, "10",
            "seconds between heartbeats on the worker link; a side silent for 3 of them is taken as gone");
    public static final ConfigKey LEASE = key("lease", ValueKind.SECONDS, "40",
            "seconds a worker that hears nothing from the scheduler keeps its runs before it kills them; the scheduler"
                    + " re-stages a silent worker's runs only after this plus a margin (at least 3 heartbeats)");
    public static final ConfigKey METRICS_ADDRESS = key("metrics-address", ValueKind.LISTEN_ADDRESS, null,
            "HOST:PORT where the scheduler server also serves /metrics without the token, e.g. 127.0.0.1:9464"
                    + " (unset: /metrics only on the API listener, behind the token)");
    public static final ConfigKey SHEBANG = key("shebang", ValueKind.SHEBANG, "#!/usr/bin/env bash", "first line of job scripts");

    public static final ConfigKey LIFETIME_GRACE = key("lifetime-grace", ValueKind.SECONDS, null,
            "seconds before the end of its walltime a worker stops taking runs and drains (unset: the worker's 120)");
    public static final ConfigKey SSH = key("ssh", ValueKind.TEXT, null,
            "login node, [user@]host[:port] or a Host alias of ~/.ssh/config; unset: batch commands run on this machine");
    public static final ConfigKey SSH_ACCEPT_NEW = key("ssh-accept-new", ValueKind.BOOLEAN, "false",
            "add an unknown host key to known_hosts instead of refusing (a changed key is always refused)");
    public static final ConfigKey ADAPT_MIN = key("adapt-min", ValueKind.WHOLE_NUMBER, null,
            "the profile adapts to demand with at least this many workers (with adapt-max; config file: adapt: {min: N})");
    public static final ConfigKey ADAPT_MAX = key("adapt-max", ValueKind.POSITIVE_INT, null,
            "the profile adapts to demand with at most this many workers (config file: adapt: {max: N})");
    public static final ConfigKey ADAPT_IDLE_TIMEOUT = key("adapt-idle-timeout", ValueKind.SECONDS, "300",
            "an adapting profile stops a worker idle this long with no staged run for it (config file: adapt: {idle-timeout: 5m})");
    public static final ConfigKey ADAPT_MAX_PENDING = key("adapt-max-pending", ValueKind.POSITIVE_INT, null,
            "an adapting profile keeps at most this many jobs pending (unset: only adapt-max bounds them; config file:"
                    + " adapt: {max-pending: N})");

    public static final List<ConfigKey> ALL = List.of(SYSTEM, TEMPLATE_DIR, CORES, MEMORY, WALLTIME, QUEUE, ACCOUNT, JOB_NAME,
            JOB_EXTRA_DIRECTIVE, DIRECTIVE_SKIP, PROLOGUE, EPILOGUE, LOG_DIRECTORY, LOCAL_DIRECTORY, JAVA, WORKER_JAVA, WORKER_COMMAND,
            RESOURCES,
            SCHEDULER_ADDRESS, INTERFACE, DEATH_TIMEOUT, HEARTBEAT_INTERVAL, LEASE, LIFETIME_GRACE, SHEBANG, SSH, SSH_ACCEPT_NEW, SERVER,
            REMOTE_DIRECTORY, ADAPT_MIN, ADAPT_MAX, ADAPT_IDLE_TIMEOUT, ADAPT_MAX_PENDING, METRICS_ADDRESS);

    /** A config file's {@code adapt:} mapping: its keys and the settings they stand for. */
    public static final String ADAPT = "adapt";
    public static final Map<String, ConfigKey> ADAPT_FIELDS = Map.of("min", ADAPT_MIN, "max", ADAPT_MAX,
            "idle-timeout", ADAPT_IDLE_TIMEOUT, "max-pending", ADAPT_MAX_PENDING);

    /** Keys whose flags come from the SSH options mixin, not from the job options. */
    public static final List<ConfigKey> CONNECTION = List.of(SSH, SSH_ACCEPT_NEW);

    /** Top-level file keys that are not settings. */
    public static final String PROFILES = "profiles";
    public static final String DEFAULT_PROFILE = "default-profile";

    private static final Map<String, ConfigKey> BY_NAME = new LinkedHashMap<>();

    static {
        ALL.forEach(k -> BY_NAME.put(k.name(), k));
    }

    private ConfigKeys() {
    }

    public static Optional<ConfigKey> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The known key closest to a misspelt one, for hints. */
    public static Optional<String> closest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : BY_NAME.keySet()) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** {@code a, b or c} */
    private static String orList(List<String> words) {
        int last = words.size() - 1;
        return last == 0 ? words.get(0) : String.join(", ", words.subList(0, last)) + " or " + words.get(last);
    }

    /** {@code slurm where sbatch is on the PATH, pbs where qsub is, else local} */
    private static String detectionHelp() {
        StringBuilder help = new StringBuilder();
        String fallback = null;
        for (BatchSystemType t : BatchSystems.ALL) {
            if (t.detection() == null) {
                fallback = t.name();
            } else {
                boolean first = help.isEmpty();
                help.append(first ? "" : ", ").append(t.name()).append(" where ").append(t.detection().command())
                        .append(first ? " is on the PATH" : " is");
            }
        }
        return help + ", else " + fallback;
    }

    private static List<String> templates() {
        return Stream.concat(Stream.of("job-script.ftl"), BatchSystems.ALL.stream().map(BatchSystemType::headerTemplate)).toList();
    }

    private static ConfigKey key(String name, ValueKind kind, String defaultValue, String description) {
        return new ConfigKey(name, kind, false, defaultValue, description);
    }

    private static ConfigKey list(String name, ValueKind kind, String description) {
        return new ConfigKey(name, kind, true, null, description);
    }
}
