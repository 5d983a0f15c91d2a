package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.api.WorkerView;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "workers", mixinStandardHelpOptions = true, description = "List the workers connected to a cluster.",
        footerHeading = "%nExamples:%n", footer = {"  hpc-dask workers", "  hpc-dask workers -o json", "  hpc-dask workers -o quiet"})
final class WorkersCommand extends ClusterClientCommand {
    @Mixin
    OutputOptions output;

    /** The JSON shape (docs/json/workers.schema.json). */
    record Json(int version, List<Worker> workers) {}

    record Worker(String name, String profile, String host, String job, String state, int slots, int slotsUsed,
                  Map<String, Long> resources, Map<String, Long> used, String endsAt) {}

    WorkersCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        OutputMode mode = output.mode(context);
        List<WorkerView> workers = call(c -> c.workers());
        Map<String, String> profileOf = new HashMap<>();
        call(c -> c.scaling()).jobs().forEach(j -> {
            if (j.worker() != null) {
                profileOf.put(j.worker(), j.profile());
            }
        });
        Json json = new Json(1, workers.stream().map(w -> new Worker(w.name(), profileOf.getOrDefault(w.name(), w.profile()), w.host(), w.jobId(),
                w.state(), w.slots(), w.slotsUsed(), w.resources(), w.used(), JsonTimes.time(w.endTime()))).toList());
        mode.print(Report.of(json, out -> table(out, workers, profileOf),
                out -> workers.forEach(w -> out.println(w.name()))), out());
        return ExitCodes.OK;
    }

    private static void table(PrintWriter out, List<WorkerView> workers, Map<String, String> profileOf) {
        Table t = new Table("NAME", "PROFILE", "HOST", "JOB", "STATE", "SLOTS", "RESOURCES", "IN USE", "ENDS");
        for (WorkerView w : workers) {
            t.add(w.name(), profileOf.getOrDefault(w.name(), "-"), Table.orDash(w.host()), Table.orDash(w.jobId()), Table.orDash(w.state()),
                    w.slotsUsed() + "/" + w.slots(), Table.amounts(w.resources()), Table.amounts(w.used()), Table.time(w.endTime()));
        }
        t.print(out);
    }
}
