package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.WorkerView;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "workers", mixinStandardHelpOptions = true, description = "List the workers connected to a cluster.")
final class WorkersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;

    private final CliContext context;

    WorkersCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<WorkerView> workers = RunningCluster.require(cluster.resolve(context)).call(c -> c.workers());
        Table t = new Table("NAME", "HOST", "JOB", "STATE", "SLOTS", "RESOURCES", "IN USE", "ENDS");
        for (WorkerView w : workers) {
            t.add(w.name(), Table.orDash(w.host()), Table.orDash(w.jobId()), Table.orDash(w.state()),
                    w.slotsUsed() + "/" + w.slots(), Table.amounts(w.resources()), Table.amounts(w.used()), Table.time(w.endTime()));
        }
        t.print(spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
