package io.hpcdask.launcher.server;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.cluster.StoreLock;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.shell.ShellWords;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.server.store.StoreTooNewException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The server process of a cluster: scheduler, worker transport and client API, and for a local cluster its workers.
 * Started by {@code hpc-dask cluster up}; it writes the access file once it listens, and on SIGTERM or an API
 * shutdown stops the workers, then the scheduler.
 */
@Command(name = "hpc-dask-server", mixinStandardHelpOptions = true)
public final class ServerMain implements Callable<Integer> {
    @Option(names = "--cluster-dir", required = true)
    Path clusterDir;
    @Option(names = "--name", required = true)
    String name;
    @Option(names = "--workers", defaultValue = "1")
    int workers;
    @Option(names = "--cores")
    Integer cores;
    @Option(names = "--memory")
    String memory;
    @Option(names = "--resources")
    String resources;
    @Option(names = "--slots")
    Integer slots;
    @Option(names = "--death-timeout", defaultValue = "60")
    long deathTimeout;
    @Option(names = "--heartbeat", defaultValue = "" + LocalWorkerSpec.DEFAULT_HEARTBEAT_SECONDS)
    long heartbeat;
    @Option(names = "--lease", defaultValue = "" + LocalWorkerSpec.DEFAULT_LEASE_SECONDS)
    long lease;
    @Option(names = "--worker-command", description = "the command that runs local workers' JVM (worker-command)")
    String workerCommand;
    @Option(names = "--foreground")
    boolean foreground;
    @Option(names = "--spec", description = "the cluster's batch system and profiles (cluster.json)")
    Path spec;
    @Option(names = "--metrics-address", description = "HOST:PORT serving /metrics without the token (metrics-address;"
            + " a batch cluster's is in its cluster.json)")
    String metricsAddress;

    /** A command staging into the stopped cluster holds the store's lock for one commit; longer means another server. */
    static final Duration STORE_LOCK_WAIT = Duration.ofSeconds(60);

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ClusterDir dir = new ClusterDir(name, clusterDir).create();
        ServerLogging.configure(dir.serverLog(), foreground);
        LocalWorkerSpec workerSpec = new LocalWorkerSpec(workers, cores, memory == null ? null : Memory.parse(memory),
                Resources.parse(resources), slots, deathTimeout, heartbeat, lease,
                workerCommand == null ? List.of() : ShellWords.split(workerCommand));
        ClusterSpec batch = this.spec == null ? null : ClusterSpec.read(this.spec);
        ClusterServer server = new ClusterServer(dir, workerSpec, batch,
                metricsAddress != null ? metricsAddress : batch == null ? null : batch.metricsAddress());
        // held from before the store is read until the process ends: runs staged into the stopped cluster by a
        // command are all committed before, or go through this server's API (see StoreLock)
        try (StoreLock storeLock = StoreLock.await(dir, STORE_LOCK_WAIT)) {
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "cluster-shutdown"));
            try {
                server.start();
            } catch (StoreTooNewException | MetricsAddressException e) {
                // one line, no stack trace: cluster up shows the end of server.out to the user
                System.err.println("hpc-dask-server: " + e.getMessage());
                return ExitCodes.FAILED; // main's exit runs the shutdown hook, which stops what had started
            }
            server.awaitStopped();
        }
        return 0;
    }
}
