package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.LocalWorkerSpec;
import io.hpcdask.launcher.cluster.ServerProcess;
import io.hpcdask.launcher.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start a cluster: the scheduler server in the background and its workers.",
            "With --system local (the default) the workers are processes on this machine.",
            "Returns once every worker has connected, after printing the cluster's address."})
final class ClusterUpCommand implements Callable<Integer>, JobOptions.Command {
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;
    @Option(names = "--workers", paramLabel = "N",
            description = "number of local workers (default: 1; 0 starts the scheduler alone, runs stay staged)")
    int workers = 1;
    @Option(names = "--slots", paramLabel = "N", description = "runs each worker takes at once (default: its cores)")
    Integer slots;
    @Option(names = "--foreground", description = "stay attached and log to the terminal; Ctrl-C stops the cluster")
    boolean foreground;
    @Option(names = "--run-once", description = "start the staged runs that can start, wait for them, print how many "
            + "were processed, then shut down (runs that cannot start stay staged)")
    boolean runOnce;

    private final CliContext context;

    ClusterUpCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        LocalWorkerSpec spec = workerSpec();
        ClusterDir dir = cluster.resolve(context).create();
        refuseIfRunning(dir);
        PrintWriter out = this.spec.commandLine().getOut();
        PrintWriter err = this.spec.commandLine().getErr();

        Process server = ServerProcess.start(dir, spec, foreground);
        Thread stopOnExit = new Thread(server::destroy, "stop-foreground-server");
        if (foreground) {
            Runtime.getRuntime().addShutdownHook(stopOnExit);
        }
        RunningCluster running = new ClusterStartup(dir, server, err).awaitReady(spec.count());
        AccessInfo a = running.access();
        out.printf("Cluster '%s' is up: scheduler %s (workers connect here), API %s:%d, %d local worker(s); server log %s%n",
                dir.name(), a.workerAddress(), a.host(), a.apiPort(), spec.count(), dir.serverLog());
        out.flush();
        if (runOnce) {
            new RunOnce(running, out, err).process();
            running.call(c -> {
                c.shutdown();
                return null;
            });
            ProcessStopper.stop(server.pid(), 60, 20, "Stopping cluster '" + dir.name() + "'", err);
            return ExitCodes.OK;
        }
        if (foreground) {
            try {
                return server.waitFor() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.FAILED;
            }
        }
        return ExitCodes.OK;
    }

    private LocalWorkerSpec workerSpec() {
        Settings settings = JobOptions.settings(spec, context);
        if (!"local".equals(settings.system())) {
            throw new CommandFailedException("cluster up --system " + settings.system()
                    + " is not available yet; use --system local (workers as processes on this machine)");
        }
        if (workers < 0 || workers > 256) {
            throw new BadInputException("--workers: '" + workers + "' is out of range; expected a whole number from 0 to 256");
        }
        if (slots != null && (slots < 1 || slots > 100_000)) {
            throw new BadInputException("--slots: '" + slots + "' is out of range; expected a whole number from 1 to 100000");
        }
        int cores = settings.cores().orElse(Runtime.getRuntime().availableProcessors());
        return new LocalWorkerSpec(workers, cores, settings.memory().orElse(null), settings.resources(), slots,
                settings.deathTimeoutSeconds());
    }

    private static void refuseIfRunning(ClusterDir dir) throws IOException {
        Optional<RunningCluster> existing = RunningCluster.find(dir);
        if (existing.isPresent()) {
            AccessInfo a = existing.get().access();
            throw new CommandFailedException("cluster '" + dir.name() + "' is already running (pid " + a.pid()
                    + ", scheduler " + a.workerAddress() + "); stop it with 'hpc-dask cluster down"
                    + ("default".equals(dir.name()) ? "" : " --name " + dir.name()) + "'");
        }
        Files.deleteIfExists(dir.accessFile()); // left by a server that was killed
    }
}
