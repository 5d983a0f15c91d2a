package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.api.ClusterStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = {"Stop a cluster: its workers first (their runs are killed), then the server.",
            "Staged runs stay in the store for the next 'cluster up'."})
final class ClusterDownCommand implements Callable<Integer> {
    private static final long ORDERLY_SECONDS = 60;
    private static final long TERM_SECONDS = 20;

    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;

    private final CliContext context;

    ClusterDownCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        ClusterDir dir = cluster.resolve(context);
        Optional<RunningCluster> found = RunningCluster.find(dir);
        if (found.isEmpty()) {
            Files.deleteIfExists(dir.accessFile()); // left by a server that was killed
            throw RunningCluster.notRunning(dir);
        }
        RunningCluster running = found.get();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long staged = -1;
        try {
            ClusterStatus status = running.call(c -> c.status());
            staged = status.runs().getOrDefault("staged", 0L);
            running.call(c -> {
                c.shutdown();
                return null;
            });
        } catch (CommandFailedException e) {
            err.println("hpc-dask: the scheduler does not answer (" + e.getMessage() + "); sending it SIGTERM");
        }
        running.awaitStopped((int) ORDERLY_SECONDS, (int) TERM_SECONDS, err);
        Files.deleteIfExists(dir.accessFile());
        out.println("Cluster '" + dir.name() + "' stopped"
                + (staged > 0 ? "; " + staged + " staged run(s) stay in the store for the next 'cluster up'" : ""));
        out.flush();
        return ExitCodes.OK;
    }
}
