package io.hpcdask.launcher.script;

import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.shell.ShellQuote;
import java.util.ArrayList;
import java.util.List;

/** The line in a job script that starts the worker. Every user value is shell-quoted; the token is only a file path. */
public final class WorkerCommand {
    private WorkerCommand() {
    }

    public static String of(Settings s, WorkerEndpoint endpoint) {
        List<String> words = new ArrayList<>();
        words.add(ShellQuote.quote(s.string(ConfigKeys.JAVA).orElseThrow()));
        words.addAll(io.hpcdask.worker.WorkerCommand.JVM_OPTIONS);
        add(words, "-jar", endpoint.workerJar());
        add(words, "--scheduler", s.string(ConfigKeys.SCHEDULER_ADDRESS).orElse(endpoint.schedulerAddress()));
        add(words, "--token-file", endpoint.tokenFile());
        add(words, "--name", s.string(ConfigKeys.JOB_NAME).orElseThrow());
        s.cores().ifPresent(c -> add(words, "--cores", c.toString()));
        s.memory().ifPresent(m -> add(words, "--memory", m.toString()));
        if (!s.resources().isEmpty()) {
            add(words, "--resources", s.resources().toString());
        }
        add(words, "--lifetime", s.walltime().toString());
        add(words, "--death-timeout", Long.toString(s.deathTimeoutSeconds()));
        add(words, "--lease", Long.toString(s.leaseSeconds()));
        s.value(ConfigKeys.LIFETIME_GRACE, Long.class).ifPresent(g -> add(words, "--lifetime-grace", g.toString()));
        s.string(ConfigKeys.LOCAL_DIRECTORY).ifPresent(d -> {
            words.add("--local-directory");
            words.add(ShellQuote.quoteExpandingVariables(d));
        });
        return String.join(" ", words);
    }

    /** {@code java -jar JAR --probe HOST:PORT}: one connect to the address, its outcome as one line on stdout. */
    public static String probe(Settings s, String workerJar, String address) {
        List<String> words = new ArrayList<>();
        words.add(ShellQuote.quote(s.string(ConfigKeys.JAVA).orElseThrow()));
        add(words, "-jar", workerJar);
        add(words, "--probe", address);
        return String.join(" ", words);
    }

    private static void add(List<String> words, String flag, String value) {
        words.add(flag);
        words.add(ShellQuote.quote(value));
    }
}
