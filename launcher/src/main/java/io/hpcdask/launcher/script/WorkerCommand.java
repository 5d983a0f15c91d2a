package io.hpcdask.launcher.script;

import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.worker.ClassArchiveDump;
import io.hpcdask.worker.WorkerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The line in a job script that starts the worker, rendered by the worker's own {@link WorkerOptions} from the
 * settings. Every user value is shell-quoted; the token is only a file path.
 */
public final class WorkerCommand {
    /** Literal words in single quotes; the local directory in double quotes, so {@code $TMPDIR} expands on the node. */
    private static final WorkerOptions.Quoting SHELL = new WorkerOptions.Quoting() {
        @Override
        public String literal(String value) {
            return ShellQuote.quote(value);
        }

        @Override
        public String expandingVariables(String value) {
            return ShellQuote.quoteExpandingVariables(value);
        }
    };

    private WorkerCommand() {
    }

    /** The worker's command line, its java as {@code java} chooses it (the variable the node set, or quoted words). */
    static String of(Settings s, WorkerEndpoint endpoint, WorkerJava java) {
        WorkerOptions options = options(s, endpoint);
        List<String> words = new ArrayList<>(java.shellWords());
        if (java.archivable()) {
            // the option worker-cds.ftl chose, one word, or none when the node's cache cannot hold an archive
            words.add("${" + CLASS_ARCHIVE_OPTION + ":+\"$" + CLASS_ARCHIVE_OPTION + "\"}");
            // the worker that writes the archive is told where
            words.add("${" + CLASS_ARCHIVE_DUMP + ":+\"-D" + ClassArchiveDump.PROPERTY + "=$" + CLASS_ARCHIVE_DUMP + "\"}");
        }
        words.addAll(io.hpcdask.worker.WorkerCommand.forJar(List.of(), endpoint.workerJar(), List.of()).words(options, SHELL));
        return String.join(" ", words);
    }

    /** The variable worker-cds.ftl leaves the JVM's class-data archive option in (empty for none). */
    static final String CLASS_ARCHIVE_OPTION = "hpc_dask_cds_option";
    /** The variable worker-cds.ftl sets when this worker writes the archive. */
    static final String CLASS_ARCHIVE_DUMP = "hpc_dask_cds_dump";

    /** The model of {@code worker-cds.ftl}: every value already shell-quoted. */
    static Map<String, Object> classArchiveModel(WorkerJava java, String workerJar) {
        return Map.of("java", java.shellWords().get(0), "jar", ShellQuote.quote(workerJar),
                "jvmOptions", ShellQuote.join(io.hpcdask.worker.WorkerCommand.JVM_OPTIONS));
    }

    /** The worker's options these settings give, as the worker parses them on the node. */
    static WorkerOptions options(Settings s, WorkerEndpoint endpoint) {
        return WorkerOptions.builder(s.string(ConfigKeys.SCHEDULER_ADDRESS).orElse(endpoint.schedulerAddress()),
                        endpoint.tokenFile(), s.string(ConfigKeys.JOB_NAME).orElseThrow())
                .cores(s.cores().orElse(null))
                .memory(s.memory().orElse(null))
                .resources(s.resources())
                .lifetime(s.walltime())
                .deathTimeoutSeconds(s.deathTimeoutSeconds())
                .leaseSeconds(s.leaseSeconds())
                .lifetimeGraceSeconds(s.value(ConfigKeys.LIFETIME_GRACE, Long.class).orElse(null))
                .localDirectory(s.string(ConfigKeys.LOCAL_DIRECTORY).orElse(null))
                .build();
    }

    /** {@code java -jar JAR --probe HOST:PORT}: one connect to the address, its outcome as one line on stdout. */
    static String probe(WorkerJava java, String workerJar, String address) {
        List<String> words = new ArrayList<>(java.shellWords());
        words.add(ShellQuote.join(io.hpcdask.worker.WorkerCommand.probe(List.of(), workerJar, address)));
        return String.join(" ", words);
    }
}
