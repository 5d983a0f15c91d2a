package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.server.LocalWorkerSpec;
import io.hpcdask.launcher.server.ServerProcess;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.remote.LoginNode;
import io.hpcdask.launcher.remote.RemoteCluster;
import io.hpcdask.launcher.remote.RemoteServer;
import io.hpcdask.launcher.remote.ServerDistribution;
import io.hpcdask.launcher.shell.ShellWords;
import io.hpcdask.launcher.ssh.LocalShell;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.server.api.ClusterStatus;
import io.hpcdask.launcher.script.JobScriptRenderer;
import io.hpcdask.launcher.script.WorkerEndpoint;
import io.hpcdask.protocol.Resources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start a cluster: the scheduler server in the background and its workers.",
            "Without --system (or the 'system' key) it uses SLURM when sbatch is on the PATH where batch commands run"
                    + " (over --ssh, or here), PBS when qsub is, else local worker processes; its first line says which.",
            "With slurm or pbs, workers are batch jobs: --workers N submits N at once; 'hpc-dask scale N' changes the"
                    + " number later. With --ssh the scheduler server runs on the login node (--server remote, the"
                    + " default) and this machine needs only SSH; --server here keeps it on this machine.",
            "Returns once the server listens (and local workers have connected), after printing where workers dial."},
        footer = {"", "Examples:",
            "  hpc-dask cluster up --cores 2 --memory 8G --walltime 00:30:00     # on a login node",
            "  hpc-dask cluster up --system slurm --ssh alice@login.cluster.org --cores 2 --memory 8G",
            "  hpc-dask cluster up --system local --workers 2 --resources gpu=2"})
final class ClusterUpCommand extends ClusterClientCommand implements JobOptions.Command {
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

    ClusterUpCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() throws IOException {
        Settings settings = JobOptions.settings(spec, context);
        ConfigWarnings.show(settings, err());
        ClusterSpec.Ssh reach = ssh.record(settings);
        RemoteShell shell = null;
        try {
            if (!settings.isExplicit(ConfigKeys.SYSTEM)) {
                shell = open(reach);
                SystemChoice choice = SystemChoice.of(settings, shell);
                settings = choice.settings();
                out().println(choice.reason());
                out().flush();
            }
            boolean local = "local".equals(settings.system());
            workers = workersOption != null ? workersOption : local ? 1 : 0;
            if (!local) {
                return batchCluster(settings, reach, shell);
            }
        } finally {
            if (shell != null) {
                shell.close();
            }
        }
        LocalWorkerSpec localWorkers = workerSpec(settings);
        ClusterDir dir = dir().create();
        refuseIfRunning(dir);
        Files.deleteIfExists(dir.path().resolve(ClusterSpec.FILE)); // from an earlier batch cluster of this name
        RemoteCluster.forget(dir.path());
        PrintWriter out = out();
        PrintWriter err = err();

        Process server = ServerProcess.start(dir, localWorkers, foreground, null,
                settings.string(ConfigKeys.METRICS_ADDRESS).orElse(null));
        Thread stopOnExit = new Thread(server::destroy, "stop-foreground-server");
        if (foreground) {
            Runtime.getRuntime().addShutdownHook(stopOnExit);
        }
        RunningCluster running = new ClusterStartup(dir, server, err).awaitReady(localWorkers.count());
        AccessInfo a = running.access();
        out.printf("Cluster '%s' is up: scheduler %s (workers connect here), API %s:%d, %d local worker(s); server log %s%n",
                dir.name(), a.workerAddress(), a.host(), a.apiPort(), localWorkers.count(), dir.serverLog());
        printDashboard(out, a, dir);
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
     * in cluster.json, the selected one first; the server reaches the batch system, stages the worker jar and token,
     * and submits {@code --workers N} of the selected profile. Returns once the server listens.
     *
     * @param shell the login node's shell when it is already open (to find the batch system), else null
     */
    private int batchCluster(Settings selected, ClusterSpec.Ssh reach, RemoteShell shell) throws IOException {
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
                Settings p = JobOptions.settings(spec, context, name);
                // a profile that names no system runs on the one this cluster found
                profiles.put(name, p.isExplicit(ConfigKeys.SYSTEM) ? p : p.with(ConfigKeys.SYSTEM, selected.system(),
                        selected.entry(ConfigKeys.SYSTEM).source()));
            }
        }
        for (Settings s : profiles.values()) {
            JobScriptRenderer.render(s, WorkerEndpoint.PLACEHOLDERS); // a broken template is bad input now
        }
        boolean remoteServer = reach.target() != null
                && "remote".equals(selected.string(ConfigKeys.SERVER).orElse("remote"));
        ClusterDir dir = dir().create();
        refuseIfRunning(dir);
        // The same client keeps its cluster id across restarts, so staged runs in that cluster's store carry on.
        String clusterId = RemoteCluster.read(dir.path()).map(RemoteCluster::clusterId)
                .orElseGet(() -> ClusterSpec.newClusterId(dir.name()));
        ClusterSpec clusterSpec = ClusterSpec.of(selected.system(), reach, !noArray, workers, profiles, clusterId);
        if (remoteServer) {
            return remoteServer(dir, clusterSpec, selected, shell);
        }
        RemoteCluster.forget(dir.path());
        Path specFile = dir.path().resolve(ClusterSpec.FILE);
        clusterSpec.write(specFile);
        PrintWriter err = err();
        Process server = ServerProcess.start(dir, new LocalWorkerSpec(0, 1, null, Resources.NONE, null,
                selected.deathTimeoutSeconds(), selected.heartbeatSeconds(), selected.leaseSeconds()), false, specFile);
        RunningCluster running = new ClusterStartup(dir, server, err).awaitReady(0);
        AccessInfo a = running.access();
        ClusterStatus status = running.call(c -> c.status());
        PrintWriter out = out();
        out.printf("Cluster '%s' is up on %s%s: scheduler server here (%s, pid %d), workers dial %s; profiles %s; server log %s%n",
                dir.name(), selected.system(), reach.target() == null ? "" : " via " + reach.target(), status.serverHost(),
                a.pid(), status.workerAddress(), String.join(", ", profiles.keySet()), dir.serverLog());
        printDashboard(out, a, dir);
        printNextStep(out, first);
        return ExitCodes.OK;
    }

    /**
     * The scheduler server on the login node: this machine only starts it over SSH and keeps a record of where it
     * runs; every later command reaches it through a port forward over SSH.
     */
    private int remoteServer(ClusterDir dir, ClusterSpec clusterSpec, Settings selected, RemoteShell opened) throws IOException {
        PrintWriter out = out();
        PrintWriter err = err();
        Path jar = ServerDistribution.jar();
        Files.deleteIfExists(dir.path().resolve(ClusterSpec.FILE));
        try (SshShell shell = LoginNode.reach(clusterSpec.ssh(), null)) {
            RemoteCluster remote = RemoteServer.start(shell, dir.name(), clusterSpec.onLoginNode(), clusterSpec.ssh(),
                    selected.string(ConfigKeys.JAVA).orElse("java"), jar, err);
            remote.write(dir.path());
        }
        RunningCluster running = RunningCluster.require(dir);
        ClusterStatus status = running.call(c -> c.status());
        RemoteCluster remote = running.remote().orElseThrow();
        out.printf("Cluster '%s' is up on %s: scheduler server on %s (pid %d), workers dial %s; profiles %s; server log %s on %s%n",
                dir.name(), selected.system(), remote.host(), running.access().pid(), status.workerAddress(),
                String.join(", ", clusterSpec.profiles().keySet()), remote.serverLog(), remote.host());
        out.println("Dashboard: on " + remote.host() + "; 'hpc-dask dashboard" + nameOption(dir)
                + "' forwards a local port to it over SSH and opens it");
        printNextStep(out, clusterSpec.defaultProfile());
        return ExitCodes.OK;
    }

    /** The dashboard's address; a browser gets in with the link of 'hpc-dask dashboard'. */
    private static void printDashboard(PrintWriter out, AccessInfo a, ClusterDir dir) {
        out.printf("Dashboard: http://%s:%d/  (log a browser in: hpc-dask dashboard%s)%n", a.host(), a.apiPort(), nameOption(dir));
    }

    private static String nameOption(ClusterDir dir) {
        return "default".equals(dir.name()) ? "" : " --name " + dir.name();
    }

    private void printNextStep(PrintWriter out, String profile) {
        out.printf(workers > 0 ? "Submitting %d worker(s) of profile %s; follow them with 'hpc-dask cluster status'%n"
                : "No workers yet: add them with 'hpc-dask scale N --wait'%n", workers, profile);
        out.flush();
    }

    private static RemoteShell open(ClusterSpec.Ssh reach) {
        return reach.target() == null ? new LocalShell(reach.batchPath()) : LoginNode.reach(reach, null);
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
                settings.deathTimeoutSeconds(), settings.heartbeatSeconds(), settings.leaseSeconds(),
                settings.string(ConfigKeys.WORKER_COMMAND).map(ShellWords::split).orElse(List.of()));
    }

    private static void refuseIfRunning(ClusterDir dir) throws IOException {
        Optional<RunningCluster> existing = RunningCluster.find(dir);
        if (existing.isPresent()) {
            AccessInfo a = existing.get().access();
            String where = existing.get().remote().map(r -> " on " + r.where()).orElse("");
            throw new CommandFailedException("cluster '" + dir.name() + "' is already running" + where + " (pid " + a.pid()
                    + "); stop it with 'hpc-dask cluster down"
                    + ("default".equals(dir.name()) ? "" : " --name " + dir.name()) + "'");
        }
        Files.deleteIfExists(dir.accessFile()); // left by a server that was killed
    }
}
