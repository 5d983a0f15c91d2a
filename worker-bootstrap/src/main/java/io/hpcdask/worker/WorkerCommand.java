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
     * Class-name prefixes, in {@code CompileCommand}'s pattern form, of what a worker runs per frame (declared before
     * the options, which are built from it when the class initialises).
     */
    private static final List<String> RUN_PATH = List.of("io.hpcdask.*", "io.netty.*", "com.sun.crypto.*",
            "sun.security.util.math.*", "sun.nio.*", "java.nio.*", "java.util.concurrent.*");

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
     *
     * <p>The run path's packages ({@link #RUN_PATH}) compile sooner, with a {@code CompileThresholdScaling} of their
     * own of 0.25: their per-frame code (the link's sealing and framing, netty's writes, the hand-offs between threads)
     * is called once per frame of several runs, so at twice the thresholds much of it still ran interpreted after 4,000
     * runs. Measured over 6 arrays of 1,000 runs of `true` on fresh 2 x 1 local clusters, with and without them
     * interleaved, the worker JVMs' CPU per run in the 2nd / 6th array was 0.26-0.29 / 0.11-0.14 ms against 0.35-0.40 /
     * 0.21-0.29 (3 clusters each), and 0.30-0.38 / 0.18-0.19 ms against 0.34-0.47 / 0.21-0.24 in a second round (3
     * each), whose 1st array cost 0.71-0.87 against 0.62-0.77 ms: the same code compiled sooner. Start-up, where their
     * code runs few times, is not slowed: SLURM workers of {@code scale 2 --wait} registered in 370 ms (p50) with them
     * and 360 ms without.
     */
    public static final List<String> JVM_OPTIONS = jvmOptions();

    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmn2m", "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=2",
                "-XX:CompileCommand=quiet")); // or the JVM prints each command on the worker's stdout
        for (String prefix : RUN_PATH) {
            options.add("-XX:CompileCommand=CompileThresholdScaling," + prefix + "::*,0.25");
        }
        options.addAll(List.of("-XX:ReservedCodeCacheSize=16m", "-Xss256k", "-XX:-UsePerfData"));
        return List.copyOf(options);
    }

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
