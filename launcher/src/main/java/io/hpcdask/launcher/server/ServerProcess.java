package io.hpcdask.launcher.server;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.server.files.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link ServerMain} as its own process with this JVM's class path, so a cluster outlives the command that
 * started it. Its arguments carry no secret: the server makes the token itself.
 */
public final class ServerProcess {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private ServerProcess() {
    }

    /**
     * Extra JVM options for the server process, split on white space, e.g.
     * {@code HPC_DASK_SERVER_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/server.jfr} to profile it (scripts/bench-server-cpu).
     */
    public static final String SERVER_JAVA_OPTS = "HPC_DASK_SERVER_JAVA_OPTS";

    public static Process start(ClusterDir dir, LocalWorkerSpec workers, boolean foreground) {
        return start(dir, workers, foreground, null);
    }

    /** @param spec the cluster's cluster.json when its workers are batch jobs, else null */
    public static Process start(ClusterDir dir, LocalWorkerSpec workers, boolean foreground, java.nio.file.Path spec) {
        return start(dir, workers, foreground, spec, null);
    }

    /** @param metricsAddress HOST:PORT serving /metrics without the token (metrics-address), or null */
    public static Process start(ClusterDir dir, LocalWorkerSpec workers, boolean foreground, java.nio.file.Path spec,
                                String metricsAddress) {
        try {
            ServerLogging.debug(System.getenv(ServerLogging.LEVEL)); // refused here, before a server starts
            SendAhead.perSlot(System.getenv(SendAhead.VARIABLE));
        } catch (IllegalArgumentException e) {
            throw new io.hpcdask.launcher.failure.BadInputException(e.getMessage());
        }
        // C1 only: measured on 3 x 1,000 runs, C2's compiler threads cost the server more CPU than its faster code saved
        List<String> cmd = new ArrayList<>(List.of(LocalWorkers.javaExecutable(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
                "--cluster-dir", dir.path().toString(), "--name", dir.name(),
                "--workers", Integer.toString(workers.count()),
                "--death-timeout", Long.toString(workers.deathTimeoutSeconds()),
                "--heartbeat", Long.toString(workers.heartbeatSeconds()), "--lease", Long.toString(workers.leaseSeconds())));
        String repoRoot = System.getProperty("hpcdask.repo.root");
        if (repoRoot != null) { // tests: lets the server find the worker jar the build left in the repo
            cmd.add(1, "-Dhpcdask.repo.root=" + repoRoot);
        }
        String extra = System.getenv(SERVER_JAVA_OPTS);
        if (extra != null && !extra.isBlank()) {
            // for profiling a live server (e.g. -XX:StartFlightRecording=...); after the defaults, so that it can
            // override them (e.g. -XX:TieredStopAtLevel=4); unset, the command line is unchanged
            cmd.addAll(cmd.indexOf("-cp"), List.of(extra.trim().split("\\s+")));
        }
        if (workers.cores() != null) {
            cmd.addAll(List.of("--cores", workers.cores().toString()));
        }
        if (workers.memory() != null) {
            cmd.addAll(List.of("--memory", workers.memory().toString()));
        }
        if (workers.resources() != null && !workers.resources().isEmpty()) {
            cmd.addAll(List.of("--resources", workers.resources().toString()));
        }
        if (workers.slots() != null) {
            cmd.addAll(List.of("--slots", workers.slots().toString()));
        }
        if (!workers.workerCommand().isEmpty()) {
            cmd.addAll(List.of("--worker-command", ShellQuote.join(workers.workerCommand())));
        }
        if (foreground) {
            cmd.add("--foreground");
        }
        if (spec != null) {
            cmd.addAll(List.of("--spec", spec.toString()));
        }
        if (metricsAddress != null) {
            cmd.addAll(List.of("--metrics-address", metricsAddress));
        }
        if (!foreground && Files.isExecutable(SETSID)) {
            // its own session: a Ctrl-C or hangup meant for the terminal does not reach the cluster
            cmd.add(0, SETSID.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.path().toFile());
        if (foreground) {
            pb.inheritIO();
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.serverOut().toFile()));
        }
        try {
            if (!foreground) {
                PrivateFiles.createFile(dir.serverOut()); // appendTo would create it by the umask
            }
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the server process: " + String.join(" ", cmd), e);
        }
    }
}
