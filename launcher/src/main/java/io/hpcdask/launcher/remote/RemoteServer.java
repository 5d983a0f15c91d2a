package io.hpcdask.launcher.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.cluster.AccessInfo;
import io.hpcdask.launcher.cluster.ClusterSpec;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.RemoteCommand;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.launcher.ssh.WorkerJarUploader;
import io.hpcdask.launcher.ssh.WorkerRuntimeArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The scheduler server of a cluster, run on the login node under the user's account: the distribution is uploaded
 * once (by its sha256), the cluster directory {@code ~/.hpc-dask/clusters/<clusterId>} (0700) holds its state, and the
 * process is detached from the SSH session ({@code setsid}, no terminal, output to a file), so the laptop that
 * started it may sleep or go away.
 */
public final class RemoteServer {
    static final String SERVER_MAIN = "io.hpcdask.launcher.server.ServerMain";
    private static final long START_TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RemoteServer() {
    }

    /**
     * Uploads what the server needs, starts it and waits until it listens.
     *
     * @param spec  the cluster as the server on the login node sees it ({@link ClusterSpec#onLoginNode()})
     * @param java  the java command on the login node
     * @param jar   this distribution (the CLI jar, which holds the server and the worker jar)
     * @param reach how this machine reaches the login node, recorded for later commands
     */
    public static RemoteCluster start(RemoteShell shell, String name, ClusterSpec spec, ClusterSpec.Ssh reach, String java,
                                      Path jar, PrintWriter err) throws IOException {
        String host = LoginNode.hostName(shell);
        String home = shell.homeDir();
        shell.mkdirs(home + "/.hpc-dask", 0700);
        shell.mkdirs(home + "/.hpc-dask/clusters", 0700);
        String dir = home + "/.hpc-dask/clusters/" + spec.clusterId();
        shell.mkdirs(dir, 0700);
        err.println("Uploading the hpc-dask distribution to " + shell.where() + " (only when it is not there yet)...");
        err.flush();
        WorkerJarUploader.Uploaded dist = WorkerJarUploader.upload(shell, jar);
        // the workers' java runtime too, so the server there finds it where it sends it from
        Optional<Path> archive = WorkerRuntimeArchive.locate();
        List<String> runtime = new ArrayList<>();
        if (archive.isPresent()) {
            runtime.add("-D" + WorkerRuntimeArchive.PROPERTY + "=" + WorkerJarUploader.upload(shell, archive.get()).remotePath());
        }
        shell.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(spec), dir + "/" + ClusterSpec.FILE, 0600);
        // setsid: the server gets a session of its own, so the end of this SSH session (a hangup) never reaches it
        String command = "cd " + ShellQuote.quote(dir) + " && rm -f access.json && { setsid " + ShellQuote.quote(java) + " "
                + ShellQuote.join(Stream.of(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), runtime,
                        List.of("-cp", dist.remotePath(), SERVER_MAIN, "--cluster-dir", dir, "--name", name, "--workers", "0",
                                "--spec", dir + "/" + ClusterSpec.FILE)).flatMap(List::stream).toList())
                + " </dev/null >>server.out 2>&1 & } && echo $!";
        CommandResult started = shell.run(RemoteCommand.once(command));
        if (started.exitStatus() != 0) {
            throw new RemoteServerException("cannot start the scheduler server on " + host + ": `" + command + "` exited "
                    + started.exitStatus() + ": " + started.stderr().strip());
        }
        long pid = Long.parseLong(started.stdout().strip());
        RemoteCluster cluster = new RemoteCluster(name, spec.clusterId(), spec.system(), reach, host, home, dir,
                System.currentTimeMillis());
        awaitListening(shell, cluster, pid, err);
        return cluster;
    }

    private static void awaitListening(RemoteShell shell, RemoteCluster cluster, long pid, PrintWriter err) {
        long start = System.nanoTime();
        long lastSaid = -1;
        while (true) {
            Optional<AccessInfo> access = access(shell, cluster);
            if (access.isPresent() && access.get().pid() == pid) {
                return;
            }
            if (!alive(shell, pid)) {
                throw new RemoteServerException("the scheduler server on " + cluster.host() + " (pid " + pid
                        + ") exited while starting; the end of " + cluster.dir() + "/server.out and server.log:\n"
                        + tails(shell, cluster));
            }
            long waited = (System.nanoTime() - start) / 1_000_000_000L;
            if (waited >= START_TIMEOUT_SECONDS) {
                throw new RemoteServerException("the scheduler server on " + cluster.host() + " (pid " + pid
                        + ") did not listen within " + START_TIMEOUT_SECONDS + " s; it keeps starting (stop it with"
                        + " 'hpc-dask cluster down'):\n" + tails(shell, cluster));
            }
            if (waited / 5 != lastSaid) {
                lastSaid = waited / 5;
                err.printf("Waiting for the scheduler server on %s (pid %d) to listen ... %ds%n", cluster.host(), pid, waited);
                err.flush();
            }
            sleep(300);
        }
    }

    /** The server's access file on the login node, when it is there and its process lives. */
    public static Optional<AccessInfo> access(RemoteShell shell, RemoteCluster cluster) {
        CommandResult r = shell.run(RemoteCommand.query("cat " + ShellQuote.quote(cluster.accessFile()) + " 2>/dev/null"));
        if (r.exitStatus() != 0 || r.stdout().isBlank()) {
            return Optional.empty();
        }
        try {
            AccessInfo a = JSON.readValue(r.stdout().getBytes(StandardCharsets.UTF_8), AccessInfo.class);
            return alive(shell, a.pid()) ? Optional.of(a) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // half-written: the server replaces it atomically, so the next read is whole
        }
    }

    /** Whether the pid on the login node is a live scheduler server (a recycled pid running anything else is not). */
    public static boolean alive(RemoteShell shell, long pid) {
        return shell.run(RemoteCommand.query("grep -qa " + SERVER_MAIN + " /proc/" + pid + "/cmdline")).exitStatus() == 0;
    }

    /**
     * Waits for the server to exit after an orderly shutdown, printing progress; sends SIGTERM after
     * {@code orderlySeconds} and gives up after {@code termSeconds} more. Returns whether it exited.
     */
    public static boolean awaitExit(RemoteShell shell, RemoteCluster cluster, long pid, int orderlySeconds, int termSeconds,
                                    PrintWriter err) {
        long start = System.nanoTime();
        boolean termed = false;
        long lastSaid = -1;
        while (alive(shell, pid)) {
            long waited = (System.nanoTime() - start) / 1_000_000_000L;
            if (!termed && waited >= orderlySeconds) {
                err.println("The scheduler server on " + cluster.host() + " (pid " + pid + ") is still running after "
                        + waited + " s; sending it SIGTERM");
                err.flush();
                shell.run(RemoteCommand.once("kill -TERM " + pid));
                termed = true;
            }
            if (waited >= orderlySeconds + termSeconds) {
                return false;
            }
            if (waited / 5 != lastSaid) {
                lastSaid = waited / 5;
                err.printf("Stopping cluster '%s' on %s (pid %d) ... %ds%n", cluster.name(), cluster.host(), pid, waited);
                err.flush();
            }
            sleep(300);
        }
        return true;
    }

    private static String tails(RemoteShell shell, RemoteCluster cluster) {
        String q = ShellQuote.quote(cluster.dir());
        return shell.run(RemoteCommand.query("tail -n 20 " + q + "/server.out " + q + "/server.log 2>&1")).stdout();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteServerException("interrupted");
        }
    }
}
