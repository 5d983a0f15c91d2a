package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.api.WorkerView;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "workers", mixinStandardHelpOptions = true, description = "List the workers connected to a cluster.")
final class WorkersCommand extends ClusterClientCommand {
    WorkersCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        List<WorkerView> workers = call(c -> c.workers());
        java.util.Map<String, String> profileOf = new java.util.HashMap<>();
        call(c -> c.scaling()).jobs().forEach(j -> {
            if (j.worker() != null) {
                profileOf.put(j.worker(), j.profile());
            }
        });
        Table t = new Table("NAME", "PROFILE", "HOST", "JOB", "STATE", "SLOTS", "RESOURCES", "IN USE", "ENDS");
        for (WorkerView w : workers) {
            t.add(w.name(), profileOf.getOrDefault(w.name(), "-"), Table.orDash(w.host()), Table.orDash(w.jobId()), Table.orDash(w.state()),
                    w.slotsUsed() + "/" + w.slots(), Table.amounts(w.resources()), Table.amounts(w.used()), Table.time(w.endTime()));
        }
        t.print(out());
        return ExitCodes.OK;
    }
}
