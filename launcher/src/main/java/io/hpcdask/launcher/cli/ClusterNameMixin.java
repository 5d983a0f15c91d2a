package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterHome;
import picocli.CommandLine.Option;

/** {@code --name N} for every command that talks to a cluster. */
public final class ClusterNameMixin {
    @Option(names = "--name", paramLabel = "NAME",
            description = "the cluster (default: the only one that exists, else 'default')")
    String name;

    public ClusterDir resolve(CliContext context) {
        ClusterHome home = new ClusterHome(context.hpcDaskHome());
        if (name != null && !ClusterHome.isValidName(name)) {
            throw new BadInputException("--name: '" + name + "' is not a cluster name; expected " + ClusterHome.NAME_FORM);
        }
        return home.cluster(name != null ? name : home.defaultName());
    }
}
