package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.ClusterStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show whether a cluster runs, its addresses, workers and run counts (exit 3 when it does not run).")
final class ClusterStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;

    private final CliContext context;

    ClusterStatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ClusterStatus s = RunningCluster.require(cluster.resolve(context)).call(c -> c.status());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Cluster:    %s%n", s.name());
        out.printf("State:      running (pid %d, up since %s)%n", s.pid(), Table.time(s.startedAt()));
        out.printf("Scheduler:  %s:%d (workers connect here)%n", s.host(), s.workerPort());
        out.printf("API:        %s:%d%n", s.host(), s.apiPort());
        out.printf("Resources:  %s%n", s.resources() == null || s.resources().isEmpty() ? "-" : s.resources());
        out.printf("Workers:    %d%n", s.workers());
        out.printf("Runs:       %s%n", Table.amounts(s.runs()));
        out.flush();
        return ExitCodes.OK;
    }
}
