package io.hpcdask.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts a worker, for launchers that start workers as local processes or write them into job
 * scripts: how java starts the worker, then the {@link WorkerOptions}. The token travels in its file only; nothing
 * secret is ever on this command line.
 */
public final class WorkerCommand {
    /**
     * JVM options for a worker, which mostly waits and passes small messages: the serial collector and a small heap
     * keep an idle worker's memory low; C1 alone compiles what little is hot without C2's start-up cost, at twice its
     * usual thresholds (a method is compiled after some 400 calls, not 200), because at start C1 otherwise spends as
     * much CPU compiling one-time start-up code as the worker spends running it: two workers starting together on 2
     * cores registered in 440 ms (p50) at twice the thresholds, 540 ms at half (measured back to back from the same
     * class-data archive). What C1 compiles of a fresh worker's run path moves later, not away: over the first 2,000
     * runs of `true` on 2 local workers, their JVMs' CPU per run was 1.26 ms at twice the thresholds and 1.27 ms at half
     * (0.79 / 0.47 ms over the first and second thousand against 0.94 / 0.33). Small stacks because a worker has few
     * threads and no deep recursion.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmn2m", "-Xmx256m",
            "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=2", "-XX:ReservedCodeCacheSize=16m", "-Xss256k", "-XX:-UsePerfData");

    private final List<String> launch;

    private WorkerCommand(List<String> launch) {
        this.launch = launch;
    }

    /**
     * {@code java JVM_OPTIONS [extra] -jar JAR}, for the shaded worker jar on a node or in a local cluster;
     * {@code extraJvmOptions} come after the worker's own (e.g. a class-data archive).
     */
    public static WorkerCommand forJar(String javaExecutable, String workerJar, List<String> extraJvmOptions) {
        return forJar(List.of(javaExecutable), workerJar, extraJvmOptions);
    }

    /**
     * {@code JAVA_COMMAND... JVM_OPTIONS [extra] -jar JAR}, where the java is a command of several words (a container
     * runtime's {@code apptainer exec img.sif java}), or of none when the caller writes the java itself.
     */
    public static WorkerCommand forJar(List<String> javaCommand, String workerJar, List<String> extraJvmOptions) {
        List<String> launch = new ArrayList<>(javaCommand);
        launch.addAll(JVM_OPTIONS);
        launch.addAll(extraJvmOptions);
        launch.add("-jar");
        launch.add(workerJar);
        return new WorkerCommand(List.copyOf(launch));
    }

    /** {@code java -cp CLASSPATH io.hpcdask.worker.WorkerMain}, for a classpath that holds worker-bootstrap. */
    public static WorkerCommand forClasspath(String javaExecutable, String classpath) {
        return new WorkerCommand(List.of(javaExecutable, "-cp", classpath, WorkerMain.class.getName()));
    }

    /** The running JVM's own java and classpath: what a worker started from this JVM (a test's) uses. */
    public static WorkerCommand forCurrentJvm() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return forClasspath(java, System.getProperty("java.class.path"));
    }

    /** {@code java -jar JAR --probe HOST:PORT}: the worker jar's one connect to the address, without a worker. */
    public static List<String> probe(String javaExecutable, String workerJar, String address) {
        return probe(List.of(javaExecutable), workerJar, address);
    }

    /** The probe run by a java command of several words, or of none when the caller writes the java itself. */
    public static List<String> probe(List<String> javaCommand, String workerJar, String address) {
        List<String> words = new ArrayList<>(javaCommand);
        words.addAll(List.of("-jar", workerJar, Probe.FLAG, address));
        return List.copyOf(words);
    }

    /** The argv for a process. */
    public List<String> argv(WorkerOptions options) {
        return words(options, WorkerOptions.Quoting.NONE);
    }

    /** Every word of the command, each value made one word by {@code quoting}. */
    public List<String> words(WorkerOptions options, WorkerOptions.Quoting quoting) {
        List<String> words = new ArrayList<>();
        launch.forEach(w -> words.add(quoting.literal(w)));
        words.addAll(options.render(quoting));
        return words;
    }
}
