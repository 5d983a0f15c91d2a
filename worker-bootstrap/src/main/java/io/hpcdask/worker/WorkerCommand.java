package io.hpcdask.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The argv that starts a worker, for launchers that start workers as local processes or write them into job
 * scripts. The token travels in its file only; nothing secret is ever on this command line.
 */
public final class WorkerCommand {
    /**
     * JVM options for a worker, which mostly waits and passes small messages: the serial collector and a small heap
     * keep an idle worker's memory low; C1 alone compiles what little is hot without C2's start-up cost; small stacks
     * because a worker has few threads and no deep recursion.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmn2m", "-Xmx256m",
            "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m", "-Xss256k", "-XX:-UsePerfData");

    private final List<String> launch;
    private final List<String> args = new ArrayList<>();

    private WorkerCommand(List<String> launch) {
        this.launch = launch;
    }

    /** {@code java -jar JAR}, for the shaded worker jar. */
    public static WorkerCommand forJar(String javaExecutable, Path workerJar) {
        return new WorkerCommand(List.of(javaExecutable, "-jar", workerJar.toString()));
    }

    /** {@code java -cp CLASSPATH io.hpcdask.worker.WorkerMain}, for a classpath that holds worker-bootstrap. */
    public static WorkerCommand forClasspath(String javaExecutable, String classpath) {
        return new WorkerCommand(List.of(javaExecutable, "-cp", classpath, WorkerMain.class.getName()));
    }

    /** The running JVM's own java and classpath: what a local cluster started from this JVM uses. */
    public static WorkerCommand forCurrentJvm() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return forClasspath(java, System.getProperty("java.class.path"));
    }

    public WorkerCommand scheduler(String host, int port) {
        return option("--scheduler", (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    public WorkerCommand tokenFile(Path file) {
        return option("--token-file", file.toString());
    }

    public WorkerCommand name(String name) {
        return option("--name", name);
    }

    public WorkerCommand cores(int cores) {
        return option("--cores", String.valueOf(cores));
    }

    /** In the forms {@link io.hpcdask.protocol.Memory} parses, e.g. {@code 8G}. */
    public WorkerCommand memory(String memory) {
        return option("--memory", memory);
    }

    /** Space-separated NAME=COUNT pairs, e.g. {@code gpu=2 foo=5}; passed as one argument. */
    public WorkerCommand resources(String resources) {
        return resources == null || resources.isBlank() ? this : option("--resources", resources);
    }

    public WorkerCommand slots(int slots) {
        return option("--slots", String.valueOf(slots));
    }

    /** In the forms {@link io.hpcdask.protocol.Walltime} parses, e.g. {@code 00:30:00}. */
    public WorkerCommand lifetime(String lifetime) {
        return option("--lifetime", lifetime);
    }

    public WorkerCommand lifetimeGraceSeconds(long seconds) {
        return option("--lifetime-grace", String.valueOf(seconds));
    }

    public WorkerCommand deathTimeoutSeconds(long seconds) {
        return option("--death-timeout", String.valueOf(seconds));
    }

    public WorkerCommand localDirectory(Path dir) {
        return option("--local-directory", dir.toString());
    }

    /** Any other option, e.g. for tests of argument checking. */
    public WorkerCommand option(String option, String value) {
        args.add(option);
        args.add(value);
        return this;
    }

    public List<String> argv() {
        List<String> all = new ArrayList<>(launch);
        all.addAll(args);
        return all;
    }
}
