package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.remote.RemoteCluster;
import io.hpcdask.server.api.ClusterStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import picocli.CommandLine.Command;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = {"Stop a cluster: its workers first (their runs are killed), then the server.",
            "Staged runs stay in the store for the next 'cluster up'. A cluster already stopped is left so (exit 0)."})
final class ClusterDownCommand extends ClusterClientCommand {
    private static final long ORDERLY_SECONDS = 60;
    private static final long TERM_SECONDS = 20;

    ClusterDownCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() throws IOException {
        ClusterDir dir = dir();
        if (found().isEmpty()) {
            if (!Files.isDirectory(dir.path())) {
                throw RunningCluster.notRunning(dir); // no such cluster: a mistyped name is not "already stopped"
            }
            Files.deleteIfExists(dir.accessFile()); // left by a server that was killed
            long waiting = RemoteCluster.read(dir.path()).isPresent() || !Files.isRegularFile(dir.database()) ? 0
                    : OfflineStore.page(dir, "staged", 1).matching();
            out().println("Cluster '" + dir.name() + "' is already stopped" + (waiting > 0 ? "; " + waiting
                    + " staged run(s) wait in its store for the next '" + StoppedClusterStaging.upCommand(dir) + "'" : ""));
            return ExitCodes.OK;
        }
        RunningCluster running = running();
        PrintWriter err = err();
        long staged = -1;
        try {
            ClusterStatus status = call(c -> c.status());
            staged = status.runs().getOrDefault("staged", 0L);
            call(c -> {
                c.shutdown();
                return null;
            });
        } catch (CommandFailedException e) {
            err.println("hpc-dask: the scheduler does not answer (" + e.getMessage() + "); sending it SIGTERM");
        }
        running.awaitStopped((int) ORDERLY_SECONDS, (int) TERM_SECONDS, err);
        Files.deleteIfExists(dir.accessFile());
        out().println("Cluster '" + dir.name() + "' stopped"
                + (staged > 0 ? "; " + staged + " staged run(s) stay in the store for the next 'cluster up'" : ""));
        return ExitCodes.OK;
    }
}
