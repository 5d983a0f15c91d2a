package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.ApiUnreachableException;
import io.hpcdask.server.api.SchedulerClient;
import java.util.Optional;
import java.util.function.Function;

/** A cluster a command talks to over its API; "not running" becomes exit 3 with one clear line. */
final class RunningCluster {
    private final ClusterDir dir;
    private final AccessInfo access;
    private final SchedulerClient client;

    private RunningCluster(ClusterDir dir, AccessInfo access) {
        this.dir = dir;
        this.access = access;
        this.client = access.client();
    }

    /** The cluster if its access file exists and its server process lives; it may still fail to answer. */
    static Optional<RunningCluster> find(ClusterDir dir) {
        return dir.readAccess().filter(AccessInfo::processAlive).map(a -> new RunningCluster(dir, a));
    }

    static RunningCluster require(ClusterDir dir) {
        return find(dir).orElseThrow(() -> notRunning(dir));
    }

    static CommandFailedException notRunning(ClusterDir dir) {
        return new CommandFailedException("no cluster '" + dir.name() + "' is running (start it with 'hpc-dask cluster up"
                + ("default".equals(dir.name()) ? "" : " --name " + dir.name()) + "')", ExitCodes.NO_CLUSTER, null);
    }

    AccessInfo access() {
        return access;
    }

    /** Calls the API, turning "nothing answers" into exit 3 and a refusal into exit 1 with the scheduler's words. */
    <T> T call(Function<SchedulerClient, T> f) {
        try {
            return f.apply(client);
        } catch (ApiUnreachableException e) {
            throw new CommandFailedException("cluster '" + dir.name() + "' does not answer: " + e.getMessage(),
                    ExitCodes.NO_CLUSTER, e);
        } catch (ApiException e) {
            throw switch (e.status()) {
                case 400 -> new BadInputException(e.getMessage());
                case 401 -> new CommandFailedException("cluster '" + dir.name() + "' did not accept the token in "
                        + dir.accessFile() + "; is the file from an older start of the cluster?", ExitCodes.FAILED, e);
                case 404 -> new CommandFailedException(e.getMessage(), ExitCodes.FAILED, e);
                default -> new CommandFailedException("the scheduler failed: " + e.getMessage() + " (HTTP " + e.status() + ")",
                        ExitCodes.FAILED, e);
            };
        }
    }
}
