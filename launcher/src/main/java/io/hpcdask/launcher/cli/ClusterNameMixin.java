package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterHome;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --name N} for every command that talks to a cluster, with {@code HPC_DASK_CLUSTER} as its default. */
public final class ClusterNameMixin {
    /** The cluster commands talk to when {@code --name} is not given. */
    public static final String ENV = "HPC_DASK_CLUSTER";

    @Option(names = "--name", paramLabel = "NAME",
            description = "the cluster (default: $" + ENV + ", else the only one that exists, else 'default')")
    String name;

    /**
     * The cluster meant: {@code --name}, else {@code $HPC_DASK_CLUSTER}, else the only cluster there is (or
     * {@code default} when there is none).
     *
     * @throws BadInputException for a malformed name, or when several clusters exist and none is named
     */
    public ClusterDir resolve(CliContext context) {
        ClusterHome home = new ClusterHome(context.hpcDaskHome());
        String chosen = chosen(context);
        if (chosen != null) {
            return home.cluster(chosen);
        }
        List<String> names = home.existingNames();
        if (names.size() > 1) {
            throw new BadInputException(names.size() + " clusters: " + KnownClusters.briefList(home, names)
                    + "; choose one with --name or " + ENV);
        }
        return home.cluster(names.isEmpty() ? ClusterHome.DEFAULT_NAME : names.get(0));
    }

    /** Whether a command without {@code --name} could not tell which cluster is meant. */
    boolean ambiguous(CliContext context) {
        return chosen(context) == null && new ClusterHome(context.hpcDaskHome()).existingNames().size() > 1;
    }

    private String chosen(CliContext context) {
        if (name != null) {
            if (!ClusterHome.isValidName(name)) {
                throw new BadInputException("--name: '" + name + "' is not a cluster name; expected " + ClusterHome.NAME_FORM);
            }
            return name;
        }
        String env = context.env().get(ENV);
        if (env == null || env.isEmpty()) {
            return null;
        }
        if (!ClusterHome.isValidName(env)) {
            throw new BadInputException(ENV + ": '" + env + "' is not a cluster name; expected " + ClusterHome.NAME_FORM);
        }
        return env;
    }
}
