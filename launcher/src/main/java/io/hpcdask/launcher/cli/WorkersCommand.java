package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
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
        RunningCluster running = RunningCluster.require(cluster.resolve(context));
        List<WorkerView> workers = running.call(c -> c.workers());
        java.util.Map<String, String> profileOf = new java.util.HashMap<>();
        running.call(c -> c.scaling()).jobs().forEach(j -> {
            if (j.worker() != null) {
                profileOf.put(j.worker(), j.profile());
            }
        });
        Table t = new Table("NAME", "PROFILE", "HOST", "JOB", "STATE", "SLOTS", "RESOURCES", "IN USE", "ENDS");
        for (WorkerView w : workers) {
            t.add(w.name(), profileOf.getOrDefault(w.name(), "-"), Table.orDash(w.host()), Table.orDash(w.jobId()), Table.orDash(w.state()),
                    w.slotsUsed() + "/" + w.slots(), Table.amounts(w.resources()), Table.amounts(w.used()), Table.time(w.endTime()));
        }
        t.print(spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
