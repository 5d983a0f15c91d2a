package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.api.RunFilter;
import io.hpcdask.server.api.RunPage;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.store.RunLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A stopped cluster's runs, read from its store without starting a scheduler. */
final class OfflineStore {
    private static final String DOWN = "the cluster is down";

    private OfflineStore() {
    }

    static List<RunView> runs(ClusterDir dir, String state) {
        if (io.hpcdask.launcher.remote.RemoteCluster.read(dir.path()).isPresent()) {
            // its store is on the login node; it answers again after the next 'cluster up' there
            throw RunningCluster.notRunning(dir);
        }
        if (!Files.isRegularFile(dir.database())) {
            if (!Files.isDirectory(dir.path())) {
                throw RunningCluster.notRunning(dir);
            }
            return List.of();
        }
        List<RunView> out = new ArrayList<>();
        for (RunView r : SchedulerServer.readRuns(dir.path(), state)) {
            out.add(!RunState.STAGED.label().equals(r.state()) ? r : new RunView(r.id(), r.label(), r.state(), r.argv(),
                    r.requires(), r.worker(), r.stagedAt(), r.startedAt(), r.endedAt(), r.exitCode(), r.attempts(), DOWN,
                    r.reason()));
        }
        return out;
    }

    /** The latest {@code limit} runs in {@code state} (null: any) with counts per state; {@code limit} 0 for all. */
    static RunPage page(ClusterDir dir, String state, int limit) {
        return page(dir, RunFilter.of(state, limit));
    }

    /** The latest runs the filter passes, with counts per state. */
    static RunPage page(ClusterDir dir, RunFilter filter) {
        if (io.hpcdask.launcher.remote.RemoteCluster.read(dir.path()).isPresent()) {
            throw RunningCluster.notRunning(dir);
        }
        if (!Files.isRegularFile(dir.database())) {
            if (!Files.isDirectory(dir.path())) {
                throw RunningCluster.notRunning(dir);
            }
            return new RunPage(List.of(), 0, java.util.Map.of());
        }
        RunPage p = SchedulerServer.readRunPage(dir.path(), filter);
        return new RunPage(p.runs().stream().map(OfflineStore::down).toList(), p.matching(), p.counts(), p.serverTime());
    }

    private static RunView down(RunView r) {
        return !RunState.STAGED.label().equals(r.state()) ? r : new RunView(r.id(), r.label(), r.state(), r.argv(),
                r.requires(), r.worker(), r.stagedAt(), r.startedAt(), r.endedAt(), r.exitCode(), r.attempts(), DOWN,
                r.reason());
    }

    static Optional<Path> logFile(ClusterDir dir, String runId) {
        if (!runId.matches("\\d+")) {
            throw new BadInputException("RUN: '" + runId + "' is not a run id; expected a number such as 12");
        }
        Path log = new RunLogs(dir.runLogs()).path(RunId.of(runId));
        return runs(dir, null).stream().anyMatch(r -> r.id().equals(runId)) ? Optional.of(log) : Optional.empty();
    }
}
