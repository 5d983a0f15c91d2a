package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.api.SchedulerClient;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to one cluster ({@code --name}). Nothing is looked up before the command asks: it checks its
 * own options first, so bad input is reported as such whether or not the cluster runs. The cluster is then found
 * once (for a cluster on a login node, that is one SSH connection) and its API client built at the first call.
 */
abstract class ClusterClientCommand extends BaseCommand {
    @Mixin
    ClusterNameMixin cluster;

    private ClusterDir dir;
    private Optional<RunningCluster> found;

    ClusterClientCommand(CliContext context) {
        super(context);
    }

    /** The cluster's directory on this machine, as {@code --name} (or the default) names it. */
    ClusterDir dir() {
        if (dir == null) {
            dir = cluster.resolve(context);
        }
        return dir;
    }

    /** The cluster if it runs (as found at the first ask), for commands that also answer when it does not. */
    Optional<RunningCluster> found() {
        if (found == null) {
            found = RunningCluster.find(dir());
        }
        return found;
    }

    /** Looks for the running cluster again, for a command that saw it stopped and then learnt it started. */
    Optional<RunningCluster> findAgain() {
        found = null;
        return found();
    }

    /** The running cluster; exit 3 with one clear line when it does not run. */
    RunningCluster running() {
        return found().orElseThrow(() -> RunningCluster.notRunning(dir()));
    }

    /** Calls the running cluster's API, its failures turned into the exit-code contract (see {@link RunningCluster#call}). */
    <T> T call(Function<SchedulerClient, T> f) {
        return running().call(f);
    }
}
