package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.ClusterHome;
import io.hpcdask.launcher.failure.ExitCodes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the clusters of this machine: name, batch system, state (running, stopped, unreachable),"
                + " the address workers dial, connected workers and runs by state.",
            "A running cluster is asked for its status; one that does not answer within seconds is shown unreachable.",
            "Commands choose a cluster with --name, else HPC_DASK_CLUSTER, else the only one there is."},
        footerHeading = "%nExamples:%n",
        footer = {"  hpc-dask cluster list", "  hpc-dask cluster list --output json",
            "  export HPC_DASK_CLUSTER=gpu    # later commands talk to 'gpu'"})
final class ClusterListCommand extends BaseCommand {
    /** The version of the JSON shape below; a change that could break a reader increments it. */
    static final int JSON_VERSION = 1;

    /**
     * {@code --output json}: {@code {"version": 1, "clusters": [...]}}, one {@link KnownClusters.Entry} per cluster,
     * sorted by name.
     */
    record Document(int version, List<KnownClusters.Entry> clusters) {}

    @Mixin
    OutputOptions output;

    ClusterListCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        OutputMode mode = output.mode(context);
        ClusterHome home = new ClusterHome(context.hpcDaskHome());
        List<String> names = home.existingNames();
        if (names.isEmpty() && mode == OutputMode.TABLE) {
            err().println("No clusters in " + home.clustersDir() + " yet; start one with 'hpc-dask cluster up'");
        }
        List<KnownClusters.Entry> clusters = new ArrayList<>();
        for (String name : names) {
            clusters.add(KnownClusters.probe(home.cluster(name)));
        }
        mode.print(new Listing(clusters), out());
        return ExitCodes.OK;
    }

    private record Listing(List<KnownClusters.Entry> clusters) implements Report {
        @Override
        public Object json() {
            return new Document(JSON_VERSION, clusters);
        }

        @Override
        public void table(PrintWriter out) {
            if (clusters.isEmpty()) {
                return;
            }
            Table t = new Table("NAME", "SYSTEM", "STATE", "ADDRESS", "WORKERS", "RUNS");
            for (KnownClusters.Entry c : clusters) {
                t.add(c.name(), c.system(), c.state(), Table.orDash(c.address()), Table.orDash(c.workers()),
                        c.runs() == null ? "-" : Table.amounts(c.runs()));
            }
            t.print(out);
        }

        @Override
        public void quiet(PrintWriter out) {
            clusters.forEach(c -> out.println(c.name()));
        }
    }
}
