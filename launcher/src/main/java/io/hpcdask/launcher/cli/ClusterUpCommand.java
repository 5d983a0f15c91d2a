package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.LocalWorkerSpec;
import io.hpcdask.launcher.cluster.ServerProcess;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.JobScriptRenderer;
import io.hpcdask.launcher.script.WorkerEndpoint;
import io.hpcdask.protocol.Resources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
            "With --system slurm or pbs (over --ssh or on this machine) the scheduler starts here and workers are batch jobs:",
            "  --workers N submits N at once; 'hpc-dask scale N' changes the number later.",
            "Returns once every worker has connected, after printing the cluster's address."})
final class ClusterUpCommand implements Callable<Integer>, JobOptions.Command {
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterNameMixin cluster;
    @Option(names = "--workers", paramLabel = "N",
            description = "workers to start: local processes (default: 1; 0 starts the scheduler alone, runs stay staged),"
                    + " or batch jobs submitted at once (default: 0; add them with 'hpc-dask scale N')")
    Integer workersOption;
    int workers;
    @Option(names = "--slots", paramLabel = "N", description = "runs each worker takes at once (default: its cores)")
    Integer slots;
    @Option(names = "--foreground", description = "stay attached and log to the terminal; Ctrl-C stops the cluster")
    boolean foreground;
    @Option(names = "--no-array", description = "submit N workers as N jobs, not one job array (for sites that forbid arrays)")
    boolean noArray;
    @Mixin
    SshOptions ssh;
    @Option(names = "--run-once", description = "start the staged runs that can start, wait for them, print how many "
            + "were processed, then shut down (runs that cannot start stay staged)")
    boolean runOnce;

    private final CliContext context;

    ClusterUpCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        Settings settings = JobOptions.settings(spec, context);
        boolean local = "local".equals(settings.system());
        workers = workersOption != null ? workersOption : local ? 1 : 0;
        if (!local) {
            return batchCluster(settings);
        }
        LocalWorkerSpec spec = workerSpec(settings);
        ClusterDir dir = cluster.resolve(context).create();
        refuseIfRunning(dir);
        Files.deleteIfExists(dir.path().resolve(ClusterSpec.FILE)); // from an earlier batch cluster of this name
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

    /**
     * A cluster whose workers are batch jobs: every profile of the config files (flags on top of each) is recorded
     * in cluster.json, the selected one first; the server reaches the login node, stages the worker jar and token,
     * and submits {@code --workers N} of the selected profile. Returns once the server listens.
     */
    private int batchCluster(Settings selected) throws IOException {
        if (foreground || runOnce) {
            throw new BadInputException((foreground ? "--foreground" : "--run-once") + " is for local clusters; with --system "
                    + selected.system() + " start the cluster, then 'hpc-dask scale N --wait'");
        }
        if (workers < 0 || workers > 100_000) {
            throw new BadInputException("--workers: '" + workers + "' is out of range; expected a whole number from 0 to 100000");
        }
        String first = selected.profile() == null ? "default" : selected.profile();
        Map<String, Settings> profiles = new LinkedHashMap<>();
        profiles.put(first, selected);
        for (String name : context.configLoader().profileNames()) {
            if (!profiles.containsKey(name)) {
                profiles.put(name, JobOptions.settings(spec, context, name));
            }
        }
        for (Settings s : profiles.values()) {
            JobScriptRenderer.render(s, WorkerEndpoint.PLACEHOLDERS); // a broken template is bad input now
        }
        ClusterDir dir = cluster.resolve(context).create();
        refuseIfRunning(dir);
        Path specFile = dir.path().resolve(ClusterSpec.FILE);
        ClusterSpec.Ssh reach = ssh.record(selected);
        ClusterSpec.of(selected.system(), reach, !noArray, workers, profiles).write(specFile);
        PrintWriter out = this.spec.commandLine().getOut();
        PrintWriter err = this.spec.commandLine().getErr();
        Process server = ServerProcess.start(dir, new LocalWorkerSpec(0, 1, null, Resources.NONE, null,
                selected.deathTimeoutSeconds()), false, specFile);
        RunningCluster running = new ClusterStartup(dir, server, err).awaitReady(0);
        AccessInfo a = running.access();
        out.printf("Cluster '%s' is up on %s%s: API %s:%d, profiles %s; server log %s%n", dir.name(), selected.system(),
                reach.target() == null ? "" : " via " + reach.target(), a.host(), a.apiPort(),
                String.join(", ", profiles.keySet()), dir.serverLog());
        out.printf(workers > 0 ? "Submitting %d worker(s) of profile %s; follow them with 'hpc-dask cluster status'%n"
                : "No workers yet: add them with 'hpc-dask scale N --wait'%n", workers, first);
        out.flush();
        return ExitCodes.OK;
    }

    private LocalWorkerSpec workerSpec(Settings settings) {
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
