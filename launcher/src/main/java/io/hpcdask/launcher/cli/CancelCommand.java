package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.protocol.Printable;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel staged or running runs; a running run's whole process group is killed.")
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "run ids")
    List<String> ids;

    private final CliContext context;

    CancelCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        RunningCluster running = RunningCluster.require(cluster.resolve(context));
        Set<String> cancelled = new HashSet<>(running.call(c -> c.cancel(ids)));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = ExitCodes.OK;
        for (String id : ids) {
            if (cancelled.contains(id)) {
                out.println("Cancelled run " + Printable.escape(id));
            } else {
                err.println("hpc-dask: run " + Printable.escape(id) + " was not cancelled: no such run, or it has already ended");
                status = ExitCodes.FAILED;
            }
        }
        out.flush();
        err.flush();
        return status;
    }
}
