package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.ClusterHome;
import io.hpcdask.launcher.failure.ExitCodes;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the clusters of this machine: name, batch system, state (running, stopped, unreachable),"
                + " the address workers dial, connected workers and runs by state.",
            "A running cluster is asked for its status; one that does not answer within seconds is shown unreachable.",
            "Commands choose a cluster with --name, else HPC_DASK_CLUSTER, else the only one there is."},
        footerHeading = "%nExamples:%n",
        footer = {"  hpc-dask cluster list", "  export HPC_DASK_CLUSTER=gpu    # later commands talk to 'gpu'"})
final class ClusterListCommand extends BaseCommand {
    ClusterListCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        ClusterHome home = new ClusterHome(context.hpcDaskHome());
        List<String> names = home.existingNames();
        if (names.isEmpty()) {
            err().println("No clusters in " + home.clustersDir() + " yet; start one with 'hpc-dask cluster up'");
            return ExitCodes.OK;
        }
        Table t = new Table("NAME", "SYSTEM", "STATE", "ADDRESS", "WORKERS", "RUNS");
        for (String name : names) {
            KnownClusters.Entry e = KnownClusters.probe(home.cluster(name));
            t.add(e.name(), e.system(), e.state(), Table.orDash(e.address()), Table.orDash(e.workers()),
                    e.runs() == null ? "-" : Table.amounts(e.runs()));
        }
        t.print(out());
        return ExitCodes.OK;
    }
}
