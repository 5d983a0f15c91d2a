package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterHome;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.remote.RemoteCluster;
import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.ApiUnreachableException;
import io.hpcdask.server.api.ClusterStatus;
import io.hpcdask.server.api.SchedulerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clusters under {@code $HPC_DASK_HOME/clusters/}, as {@code cluster list} shows them and as the message of a
 * command that cannot tell which one is meant names them.
 */
final class KnownClusters {
    static final String RUNNING = "running";
    static final String STOPPED = "stopped";
    static final String UNREACHABLE = "unreachable";
    /** A running server answers its status at once; one that does not within this is shown unreachable. */
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(3);

    /**
     * One cluster. {@code address} is where workers dial, {@code workers} how many are connected and {@code runs} the
     * runs per state, each null when unknown (a remote cluster that is not running: its store is on the login node).
     */
    record Entry(String name, String system, String state, String address, Integer workers, Map<String, Long> runs) {}

    private KnownClusters() {
    }

    /**
     * What can be told without a network call: {@code running} or {@code stopped} for a server on this machine (its
     * access file and its process), {@code on HOST} for one on a login node.
     */
    static String brief(ClusterDir dir) {
        Optional<RemoteCluster> remote = RemoteCluster.read(dir.path());
        if (remote.isPresent()) {
            return "on " + remote.get().where();
        }
        return dir.readAccess().filter(AccessInfo::processAlive).isPresent() ? RUNNING : STOPPED;
    }

    /** {@code a (running), b (stopped)}: every cluster with its brief state. */
    static String briefList(ClusterHome home, List<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            b.append(b.length() == 0 ? "" : ", ").append(n).append(" (").append(brief(home.cluster(n))).append(')');
        }
        return b.toString();
    }

    /** The cluster as it is now; a running one is asked for its status (over SSH when its server is on a login node). */
    static Entry probe(ClusterDir dir) {
        Optional<RemoteCluster> remote = RemoteCluster.read(dir.path());
        if (remote.isPresent()) {
            return probeRemote(dir, remote.get());
        }
        String system = system(dir);
        Optional<AccessInfo> access = dir.readAccess().filter(AccessInfo::processAlive);
        if (access.isEmpty()) {
            return new Entry(dir.name(), system, STOPPED, null, null, storedRuns(dir));
        }
        AccessInfo a = access.get();
        try {
            ClusterStatus s = new SchedulerClient(a.host(), a.apiPort(), a.token(), STATUS_TIMEOUT).status();
            return running(dir, system, s);
        } catch (ApiUnreachableException | ApiException e) {
            return new Entry(dir.name(), system, UNREACHABLE, a.workerAddress(), null, null);
        }
    }

    private static Entry probeRemote(ClusterDir dir, RemoteCluster remote) {
        try {
            Optional<RunningCluster> running = RunningCluster.find(dir);
            if (running.isEmpty()) {
                return new Entry(dir.name(), remote.system(), STOPPED, null, null, null);
            }
            return running(dir, remote.system(), running.get().call(c -> c.status()));
        } catch (RuntimeException e) { // SSH or the server failed: the login node cannot tell now
            return new Entry(dir.name(), remote.system(), UNREACHABLE, null, null, null);
        }
    }

    private static Entry running(ClusterDir dir, String system, ClusterStatus s) {
        String address = s.workerAddress() != null ? s.workerAddress() : s.host() + ":" + s.workerPort();
        return new Entry(dir.name(), system, RUNNING, address, s.workers(), s.runs());
    }

    /** The batch system cluster up recorded ({@code cluster.json}), else local processes. */
    private static String system(ClusterDir dir) {
        try {
            return Files.isRegularFile(dir.path().resolve(ClusterSpec.FILE))
                    ? ClusterSpec.read(dir.path().resolve(ClusterSpec.FILE)).system() : "local";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Map<String, Long> storedRuns(ClusterDir dir) {
        return Files.isRegularFile(dir.database()) ? OfflineStore.page(dir, null, 1).counts() : Map.of();
    }
}
