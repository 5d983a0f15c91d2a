package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.api.ApiUnreachableException;
import io.hpcdask.server.api.ClusterStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Waits for a starting server to write its access file and for its workers to connect, showing progress. */
final class ClusterStartup {
    private static final long TIMEOUT_SECONDS = 180;

    private final ClusterDir dir;
    private final Process server;
    private final PrintWriter err;

    ClusterStartup(ClusterDir dir, Process server, PrintWriter err) {
        this.dir = dir;
        this.server = server;
        this.err = err;
    }

    RunningCluster awaitReady(int workers) {
        long start = System.nanoTime();
        err.println("Starting cluster '" + dir.name() + "' (server pid " + server.pid() + ")...");
        err.flush();
        RunningCluster running = null;
        int lastConnected = -1;
        while (true) {
            checkServerAlive();
            checkTimeout(start);
            if (running == null) {
                Optional<AccessInfo> access = dir.readAccess().filter(a -> a.pid() == server.pid());
                if (access.isPresent()) {
                    running = RunningCluster.find(dir).orElse(null);
                }
            }
            if (running != null && workers == 0) {
                // nothing to wait for: say where workers will dial instead (batch clusters scale later)
                String dial = dialAddress(running);
                if (dial != null) {
                    err.println("Workers dial " + dial);
                    err.flush();
                    return running;
                }
            } else if (running != null) {
                int connected = connected(running);
                if (connected != lastConnected) {
                    err.printf("Waiting for workers: %d/%d connected%n", connected, workers);
                    err.flush();
                    lastConnected = connected;
                }
                if (connected >= workers) {
                    return running;
                }
            }
            RunWaiter.sleep();
        }
    }

    /** Where workers dial, or null while the API is still starting. */
    private static String dialAddress(RunningCluster running) {
        try {
            ClusterStatus s = running.access().client().status();
            return s.workerAddress() != null ? s.workerAddress() : s.host() + ":" + s.workerPort();
        } catch (ApiUnreachableException e) {
            return null;
        }
    }

    private static int connected(RunningCluster running) {
        try {
            return running.access().client().workers().size();
        } catch (ApiUnreachableException e) {
            return 0; // the API may still be starting
        }
    }

    private void checkServerAlive() {
        if (!server.isAlive()) {
            throw new CommandFailedException("the server of cluster '" + dir.name() + "' exited with status "
                    + server.exitValue() + " while starting:\n" + tail(dir.serverOut()) + tail(dir.serverLog()));
        }
    }

    private void checkTimeout(long start) {
        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS)) {
            throw new CommandFailedException("cluster '" + dir.name() + "' did not become ready within " + TIMEOUT_SECONDS
                    + "s; it keeps starting in the background (see " + dir.serverLog() + ", stop it with 'hpc-dask cluster down')\n"
                    + tail(dir.serverLog()));
        }
    }

    static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "--- last lines of " + file + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }
}
