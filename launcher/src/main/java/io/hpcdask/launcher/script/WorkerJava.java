package io.hpcdask.launcher.script;

import io.hpcdask.launcher.config.ConfigException;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.launcher.shell.ShellWords;
import java.util.List;
import java.util.Map;

/**
 * What runs the worker JVM on a node, by one rule: {@code worker-command} when set (its words, e.g. {@code apptainer
 * exec img.sif java}; {@code java} and {@code worker-java} are then not used); else {@code worker-java}: {@code auto}
 * tries the node's {@code java} and takes it when it is Java 17 or newer, else the runtime bundled with hpc-dask;
 * {@code bundled} always takes the bundled runtime; anything else is the java command itself. The bundled runtime is
 * an archive next to the worker jar, unpacked by the job script on first use ({@code worker-java.ftl}).
 *
 * @param mode           how the java is chosen
 * @param command        the literal words of the java command (the node's java for {@code auto})
 * @param runtimeArchive the bundled runtime's archive on the node; null when there is none to use
 */
public record WorkerJava(Mode mode, List<String> command, String runtimeArchive) {
    /** The variable the job script keeps the chosen java in, when the choice is made on the node. */
    static final String VARIABLE = "hpc_dask_java";
    public static final String AUTO = "auto";
    public static final String BUNDLED = "bundled";

    public enum Mode {
        /** worker-command: the words as given. */
        COMMAND,
        /** worker-java names the java. */
        GIVEN,
        /** worker-java auto, with no bundled runtime to fall back on: the node's java. */
        NODE,
        /** the node's java when it is 17+, else the bundled runtime. */
        AUTO,
        /** the bundled runtime. */
        BUNDLED
    }

    /** The choice these settings make, given the runtime archive on the node (null when there is none). */
    public static WorkerJava of(Settings s, String runtimeArchive) {
        var workerCommand = s.string(ConfigKeys.WORKER_COMMAND);
        if (workerCommand.isPresent()) {
            return new WorkerJava(Mode.COMMAND, ShellWords.split(workerCommand.get()), null);
        }
        String java = s.string(ConfigKeys.JAVA).orElseThrow();
        String workerJava = s.string(ConfigKeys.WORKER_JAVA).orElse(AUTO);
        if (workerJava.equals(BUNDLED)) {
            if (runtimeArchive == null) {
                throw new ConfigException("worker-java is 'bundled' but this hpc-dask has no worker runtime to send"
                        + " (lib/hpc-dask-worker-runtime-linux-x64.tar.gz of a release, target/ after 'mvn package');"
                        + " set worker-java to auto or to a java command");
            }
            return new WorkerJava(Mode.BUNDLED, List.of(), runtimeArchive);
        }
        if (workerJava.equals(AUTO)) {
            return runtimeArchive == null ? new WorkerJava(Mode.NODE, List.of(java), null)
                    : new WorkerJava(Mode.AUTO, List.of(java), runtimeArchive);
        }
        return new WorkerJava(Mode.GIVEN, List.of(workerJava), null);
    }

    /** Whether the job script chooses the java on the node (and so needs the lines of {@code worker-java.ftl}). */
    public boolean chosenOnNode() {
        return mode == Mode.AUTO || mode == Mode.BUNDLED;
    }

    /**
     * Whether the job script gives the worker's JVM a class-data archive made on the node: for any java the script
     * runs itself, not for a worker-command (a container's java, whose cache and archive would be another's).
     */
    public boolean archivable() {
        return mode != Mode.COMMAND;
    }

    /** The words that start the JVM in the script, shell-quoted: the command's, or the variable the node set. */
    List<String> shellWords() {
        return chosenOnNode() ? List.of("\"$" + VARIABLE + "\"") : command.stream().map(ShellQuote::quote).toList();
    }

    /** The model of {@code worker-java.ftl}: every value already shell-quoted. */
    Map<String, Object> templateModel() {
        return Map.of("mode", mode.name().toLowerCase(java.util.Locale.ROOT), "variable", VARIABLE,
                "java", command.isEmpty() ? "" : ShellQuote.quote(command.get(0)), "runtime", ShellQuote.quote(runtimeArchive),
                "minimumJava", MINIMUM_JAVA);
    }

    /** The oldest Java the worker jar runs on. */
    public static final int MINIMUM_JAVA = 17;

    /** Why this java, in words for {@code doctor}. */
    public String why() {
        return switch (mode) {
            case COMMAND -> "worker-command is set: workers run '" + String.join(" ", command) + "'";
            case GIVEN -> "worker-java names it: workers run '" + command.get(0) + "'";
            case NODE -> "worker-java auto, and this hpc-dask has no runtime to bundle: workers run '" + command.get(0) + "'";
            case AUTO -> "worker-java auto: workers run '" + command.get(0) + "' where it is Java " + MINIMUM_JAVA
                    + " or newer, else the runtime bundled with hpc-dask";
            case BUNDLED -> "worker-java bundled: workers run the runtime bundled with hpc-dask";
        };
    }
}
