package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.remote.LoginNode;
import io.hpcdask.launcher.remote.RemoteCluster;
import io.hpcdask.launcher.remote.RemoteServer;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.ApiUnreachableException;
import io.hpcdask.server.api.SchedulerClient;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A cluster a command talks to over its API; "not running" becomes exit 3 with one clear line. The server runs here,
 * or on a login node ({@link RemoteCluster}): then the API is reached through a port forward over one SSH connection
 * from this machine, and nothing ever connects to this machine.
 */
final class RunningCluster {
    private final ClusterDir dir;
    private final AccessInfo access;
    private SchedulerClient client;
    private final RemoteCluster remote;
    private final SshShell shell;
    /** The API's port on the login node (a remote cluster), else 0. */
    private final int remoteApiPort;

    private RunningCluster(ClusterDir dir, AccessInfo access, RemoteCluster remote, SshShell shell, int remoteApiPort) {
        this.dir = dir;
        this.access = access;
        this.remote = remote;
        this.shell = shell;
        this.remoteApiPort = remoteApiPort;
    }

    /** The cluster if its access file exists and its server process lives; it may still fail to answer. */
    static Optional<RunningCluster> find(ClusterDir dir) {
        Optional<RemoteCluster> remote = RemoteCluster.read(dir.path());
        if (remote.isPresent()) {
            return findRemote(dir, remote.get());
        }
        return dir.readAccess().filter(AccessInfo::processAlive).map(a -> new RunningCluster(dir, a, null, null, 0));
    }

    private static Optional<RunningCluster> findRemote(ClusterDir dir, RemoteCluster remote) {
        SshShell shell = LoginNode.reach(remote.ssh(), remote.host());
        Optional<AccessInfo> there = RemoteServer.access(shell, remote);
        if (there.isEmpty()) {
            shell.close();
            return Optional.empty();
        }
        AccessInfo a = there.get();
        int local = shell.forwardLocalPort("127.0.0.1", a.apiPort());
        AccessInfo forwarded = new AccessInfo(a.name(), "127.0.0.1", local, a.workerPort(), a.token(), a.pid(), a.startedAt());
        return Optional.of(new RunningCluster(dir, forwarded, remote, shell, a.apiPort()));
    }

    static RunningCluster require(ClusterDir dir) {
        return find(dir).orElseThrow(() -> notRunning(dir));
    }

    static CommandFailedException notRunning(ClusterDir dir) {
        Optional<RemoteCluster> remote = RemoteCluster.read(dir.path());
        String where = remote.map(r -> " on " + r.where()).orElse("");
        return new CommandFailedException("no cluster '" + dir.name() + "' is running" + where + " (start it with 'hpc-dask cluster up"
                + ("default".equals(dir.name()) ? "" : " --name " + dir.name()) + "')", ExitCodes.NO_CLUSTER, null);
    }

    /** How to reach the API (for a remote cluster: through the forward; {@code pid} is the pid on the login node). */
    AccessInfo access() {
        return access;
    }

    /** The login node's side of a remote cluster, or empty when the server runs on this machine. */
    Optional<RemoteCluster> remote() {
        return Optional.ofNullable(remote);
    }

    /**
     * The port on this machine's loopback where the API (and its dashboard) answers: a local cluster's own port; for
     * a cluster on a login node, a forward over the kept SSH connection on {@code localPort}, or the one this
     * command already holds when {@code localPort} is 0.
     */
    int localApiPort(int localPort) {
        if (remote == null || localPort == 0 || localPort == access.apiPort()) {
            return access.apiPort();
        }
        return shell.forwardLocalPort(localPort, "127.0.0.1", remoteApiPort);
    }

    /**
     * Holds the forward of {@code localPort} (from {@link #localApiPort}) until this thread is interrupted: every
     * {@code checkSeconds} a command over the connection notices a drop and reconnects, and a new connection gets the
     * forward again on the same port (a browser tab left open carries on).
     */
    void holdForward(int localPort, int checkSeconds, BooleanSupplier stopped, PrintWriter err) throws InterruptedException {
        int connects = shell.connectCount();
        // the flag as well as the interrupt: one that lands inside the SSH check can be swallowed there
        while (!stopped.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            Thread.sleep(checkSeconds * 1000L);
            try {
                shell.run("true");
            } catch (RuntimeException e) {
                err.println("hpc-dask: the SSH connection to " + remote.where() + " failed (" + e.getMessage() + "); trying again");
                err.flush();
                continue;
            }
            if (shell.connectCount() != connects) {
                connects = shell.connectCount();
                shell.forwardLocalPort(localPort, "127.0.0.1", remoteApiPort);
                err.println("hpc-dask: reconnected to " + remote.where() + "; forwarding 127.0.0.1:" + localPort + " again");
                err.flush();
            }
        }
    }

    /** Waits for the server process to end after a shutdown request, with progress; SIGTERM when it lingers. */
    void awaitStopped(int orderlySeconds, int termSeconds, PrintWriter err) {
        if (remote == null) {
            ProcessStopper.stop(access.pid(), orderlySeconds, termSeconds, "Stopping cluster '" + dir.name() + "'", err);
            return;
        }
        if (!RemoteServer.awaitExit(shell, remote, access.pid(), orderlySeconds, termSeconds, err)) {
            throw new CommandFailedException("the scheduler server of cluster '" + dir.name() + "' on " + remote.where()
                    + " (pid " + access.pid() + ") did not stop; see " + remote.serverLog() + " there");
        }
    }

    /** Calls the API, turning "nothing answers" into exit 3 and a refusal into exit 1 with the scheduler's words. */
    <T> T call(Function<SchedulerClient, T> f) {
        if (client == null) { // built at the first call: a command may only need the access file
            client = access.client();
        }
        try {
            return f.apply(client);
        } catch (ApiUnreachableException e) {
            throw new CommandFailedException("cluster '" + dir.name() + "' does not answer: " + e.getMessage(),
                    ExitCodes.NO_CLUSTER, e);
        } catch (ApiException e) {
            throw switch (e.status()) {
                case 400 -> new BadInputException(e.getMessage());
                case 401 -> new CommandFailedException("cluster '" + dir.name() + "' did not accept the token in "
                        + (remote == null ? dir.accessFile().toString() : remote.accessFile() + " on " + remote.where())
                        + "; is the file from an older start of the cluster?", ExitCodes.FAILED, e);
                case 404 -> new CommandFailedException(e.getMessage(), ExitCodes.FAILED, e);
                case 409 -> new CommandFailedException(e.getMessage(), ExitCodes.FAILED, e); // another API version
                case 503 -> new CommandFailedException("cluster '" + dir.name() + "' cannot take this now: " + e.getMessage()
                        + " (HTTP 503)", ExitCodes.FAILED, e);
                default -> new CommandFailedException("the scheduler failed: " + e.getMessage() + " (HTTP " + e.status() + ")",
                        ExitCodes.FAILED, e);
            };
        }
    }
}
