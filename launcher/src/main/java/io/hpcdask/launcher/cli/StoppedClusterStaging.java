package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.StoreLock;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.remote.RemoteCluster;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.StageResult;
import io.hpcdask.server.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code submit run} to a stopped cluster (Guild's {@code --stage} habit): the runs go straight into its store, under
 * its store lock, and the next {@code cluster up} starts them. A server that holds the lock is starting or stopping:
 * then the runs wait for its API instead.
 */
final class StoppedClusterStaging {
    /** How long a starting server may take to answer before the command gives up (exit 3). */
    static final Duration SERVER_WAIT = Duration.ofSeconds(60);

    private StoppedClusterStaging() {
    }

    /**
     * Stages into the stopped cluster; empty when a server runs after all (send the runs to its API).
     *
     * @throws CommandFailedException exit 3 when there is no store here to stage into (no such cluster, or one whose
     *     server and store are on a login node), or with {@code --wait}, which needs a running cluster
     */
    static Optional<StageResult> stage(ClusterDir dir, String requestId, List<RunRequest> requests, boolean await,
                                       PrintWriter err) {
        if (RemoteCluster.read(dir.path()).isPresent() || !Files.isDirectory(dir.path())) {
            throw RunningCluster.notRunning(dir);
        }
        if (await) {
            throw new CommandFailedException("no cluster '" + dir.name() + "' is running, and --wait needs one (without"
                    + " --wait the run is staged into it for the next '" + upCommand(dir) + "')", ExitCodes.NO_CLUSTER, null);
        }
        long until = System.nanoTime() + SERVER_WAIT.toNanos();
        boolean told = false;
        while (true) {
            Optional<StageResult> staged = stageUnderLock(dir, requestId, requests);
            if (staged != null) {
                return staged;
            }
            if (RunningCluster.find(dir).isPresent()) {
                return Optional.empty();
            }
            if (!told) {
                err.println("Cluster '" + dir.name() + "' is starting or stopping; waiting for it (up to "
                        + SERVER_WAIT.toSeconds() + " s)...");
                err.flush();
                told = true;
            }
            if (System.nanoTime() - until > 0) {
                throw new CommandFailedException("cluster '" + dir.name() + "' holds its store but its server does not answer"
                        + " after " + SERVER_WAIT.toSeconds() + " s; nothing was staged (see " + dir.serverLog() + ")",
                        ExitCodes.NO_CLUSTER, null);
            }
            RunWaiter.sleep();
        }
    }

    /** The runs staged; empty when a server runs; null when a server holds the lock (starting or stopping). */
    private static Optional<StageResult> stageUnderLock(ClusterDir dir, String requestId, List<RunRequest> requests) {
        try {
            Optional<StoreLock> lock = StoreLock.tryTake(dir);
            if (lock.isEmpty()) {
                return null;
            }
            try (StoreLock held = lock.get()) {
                if (dir.readAccess().filter(AccessInfo::processAlive).isPresent()) {
                    return Optional.empty(); // a server from before the store lock existed
                }
                return Optional.of(SchedulerServer.stageStopped(dir.path(), requestId, requests));
            } catch (StoreException e) { // a full disk, a store from a newer hpc-dask: nothing of these runs is stored
                throw new CommandFailedException("cannot stage into stopped cluster '" + dir.name() + "': " + e.getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the store of cluster '" + dir.name() + "'", e);
        }
    }

    static String message(ClusterDir dir, List<String> ids) {
        String which = ids.size() == 1 ? "run " + ids.get(0) : "runs " + ids.get(0) + "-" + ids.get(ids.size() - 1);
        return "staged " + which + " into stopped cluster '" + dir.name() + "'; " + (ids.size() == 1 ? "it" : "they")
                + " will start at the next '" + upCommand(dir) + "'";
    }

    static String upCommand(ClusterDir dir) {
        return "hpc-dask cluster up" + ("default".equals(dir.name()) ? "" : " --name " + dir.name());
    }
}
