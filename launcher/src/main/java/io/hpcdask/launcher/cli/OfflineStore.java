package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.api.RunView;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A stopped cluster's runs, read from its store without starting anything. */
final class OfflineStore {
    private OfflineStore() {
    }

    static List<RunView> runs(ClusterDir dir, String state) {
        throw RunningCluster.notRunning(dir);
    }

    static Optional<Path> logFile(ClusterDir dir, String runId) {
        throw RunningCluster.notRunning(dir);
    }
}
