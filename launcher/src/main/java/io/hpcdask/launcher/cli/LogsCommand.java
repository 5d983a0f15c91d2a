package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.api.LogStream;
import io.hpcdask.server.api.RunLogReader;
import io.hpcdask.server.api.RunView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print a run's output: its stdout to stdout and its stderr to stderr, in the order they arrived.",
            "Without RUN: the most recently staged run.",
            "",
            "Examples:",
            "  hpc-dask logs 12                 both streams",
            "  hpc-dask logs 12 >out.txt 2>err.txt",
            "  hpc-dask logs --stderr 12        only what run 12 wrote to stderr (printed to stdout)",
            "  hpc-dask logs --stdout -f        follow the latest run's stdout until it ends"})
final class LogsCommand extends ClusterClientCommand {
    @Parameters(arity = "0..1", paramLabel = "RUN", description = "run id (default: the latest run)")
    String id;
    @Option(names = {"-f", "--follow"}, description = "keep printing output until the run ends; exit with its status")
    boolean follow;
    @Option(names = "--stdout", description = "only the run's stdout")
    boolean stdoutOnly;
    @Option(names = "--stderr", description = "only the run's stderr (printed to stdout, for pipes)")
    boolean stderrOnly;

    LogsCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() throws IOException {
        if (stdoutOnly && stderrOnly) {
            throw new BadInputException("--stdout and --stderr: choose one, or neither for both streams");
        }
        LogStream only = stdoutOnly ? LogStream.STDOUT : stderrOnly ? LogStream.STDERR : null;
        ClusterDir dir = dir();
        if (found().isEmpty() && !follow) {
            String runId = id != null ? id : latest(OfflineStore.page(dir, null, 1).runs(), dir);
            Path log = OfflineStore.logFile(dir, runId)
                    .orElseThrow(() -> new CommandFailedException("no run with id " + runId + " in cluster '" + dir.name() + "'"));
            new RunLogPrinter(runId, only, out(), err()).printAll(from -> RunLogReader.read(log, from, only, 1 << 20));
            return ExitCodes.OK;
        }
        String runId = id != null ? id : latest(call(s -> s.runPage(null, 1)).runs(), dir);
        if (id != null) {
            call(s -> s.run(runId)); // an unknown id fails here with the scheduler's words
        }
        RunWaiter waiter = new RunWaiter(running(), out(), err());
        if (follow) {
            return waiter.follow(runId, only);
        }
        waiter.printOnce(runId, only);
        return ExitCodes.OK;
    }

    private static String latest(List<RunView> runs, ClusterDir dir) {
        if (runs.isEmpty()) {
            throw new CommandFailedException("cluster '" + dir.name() + "' has no runs yet");
        }
        return runs.get(runs.size() - 1).id();
    }
}
