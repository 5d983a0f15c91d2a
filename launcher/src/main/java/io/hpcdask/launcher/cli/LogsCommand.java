package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.api.RunView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print a run's output (stdout and stderr as they arrived).",
            "Without RUN: the most recently staged run."})
final class LogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;
    @Parameters(arity = "0..1", paramLabel = "RUN", description = "run id (default: the latest run)")
    String id;
    @Option(names = {"-f", "--follow"}, description = "keep printing output until the run ends; exit with its status")
    boolean follow;

    private final CliContext context;

    LogsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        ClusterDir dir = cluster.resolve(context);
        PrintWriter out = spec.commandLine().getOut();
        Optional<RunningCluster> running = RunningCluster.find(dir);
        if (running.isEmpty()) {
            if (follow) {
                throw RunningCluster.notRunning(dir);
            }
            String runId = id != null ? id : latest(OfflineStore.page(dir, null, 1).runs(), dir);
            Path log = OfflineStore.logFile(dir, runId)
                    .orElseThrow(() -> new CommandFailedException("no run with id " + runId + " in cluster '" + dir.name() + "'"));
            if (Files.exists(log)) {
                out.print(Files.readString(log, StandardCharsets.UTF_8));
            }
            out.flush();
            return ExitCodes.OK;
        }
        RunningCluster c = running.get();
        String runId = id != null ? id : latest(c.call(s -> s.runPage(null, 1)).runs(), dir);
        if (id != null) {
            c.call(s -> s.run(runId)); // an unknown id fails here with the scheduler's words
        }
        RunWaiter waiter = new RunWaiter(c, out, spec.commandLine().getErr());
        if (follow) {
            return waiter.follow(runId);
        }
        waiter.printOnce(runId);
        return ExitCodes.OK;
    }

    private static String latest(List<RunView> runs, ClusterDir dir) {
        if (runs.isEmpty()) {
            throw new CommandFailedException("cluster '" + dir.name() + "' has no runs yet");
        }
        return runs.get(runs.size() - 1).id();
    }
}
