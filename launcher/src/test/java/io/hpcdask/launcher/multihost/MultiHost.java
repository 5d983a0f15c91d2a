package io.hpcdask.launcher.multihost;

import static org.junit.jupiter.api.Assertions.fail;

import io.hpcdask.launcher.testenv.TestEnv;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The multi-host world that {@code scripts/provision-multihost} builds (network namespaces {@code hd-login},
 * {@code hd-node1}, {@code hd-node2}, {@code hd-laptop}; a second SLURM; an sshd on login; users {@code hpcuser} and
 * {@code hpclaptop}), and a way to run commands in it as a person would: as a plain user, on one host, with a clean
 * environment. The test JVM runs as root in the root namespace; each command is started with {@code setsid nsenter
 * --net --uts ... setpriv ...}, so it sees the host's network and host name and has its own process group, which is
 * what a timeout kills (by pid, never by name).
 */
public final class MultiHost {
    private static final String RESET_STOP_SIGNALS =
            "$SIG{$_} = 'DEFAULT' for qw(INT QUIT HUP); exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";";
    /** A host of the world: its network and UTS namespaces. */
    public enum Host {
        LOGIN("login"), NODE1("node1"), NODE2("node2"), LAPTOP("laptop");

        private final String hostname;

        Host(String hostname) {
            this.hostname = hostname;
        }

        public String hostname() {
            return hostname;
        }

        public String netns() {
            return prefix() + hostname;
        }

        Path netnsFile() {
            return Path.of("/var/run/netns", netns());
        }

        Path utsFile() {
            return Path.of(value("HPC_DASK_TEST_MULTIHOST_UTS_DIR", "/run/hpc-dask-multihost/uts"), hostname);
        }
    }

    /** What a command did; {@code exitCode} is -1 when it was killed at its timeout. */
    public record Result(String what, int exitCode, String stdout, String stderr, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** Throws with everything the command printed unless it exited 0. */
        public Result assertOk() {
            if (!ok()) {
                throw new AssertionError("expected success: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return what + (timedOut ? " TIMED OUT" : " exited " + exitCode) + "\n--- stdout:\n" + stdout
                    + "--- stderr:\n" + stderr;
        }
    }

    /** A command still running; {@link #close()} kills its process group. */
    public static final class Running implements AutoCloseable {
        private final String what;
        private final Process process;
        private final Path stdout;
        private final Path stderr;

        private Running(String what, Process process, Path stdout, Path stderr) {
            this.what = what;
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** What it has printed so far. */
        public String stdoutSoFar() {
            return read(stdout);
        }

        public String stderrSoFar() {
            return read(stderr);
        }

        /** Waits for it to exit; at the timeout kills its process group and reports it as timed out. */
        public Result await(Duration timeout) {
            boolean exited;
            try {
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exited = false;
            }
            if (!exited) {
                killGroup();
            }
            Result result = new Result(what, exited ? process.exitValue() : -1, read(stdout), read(stderr), !exited);
            deleteQuietly(stdout);
            deleteQuietly(stderr);
            return result;
        }

        /** Kills its process group (setsid made the started process the group's leader) if it still runs. */
        @Override
        public void close() {
            if (process.isAlive()) {
                killGroup();
            }
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }

        private void killGroup() {
            try {
                new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final String PATH = "/usr/local/bin:/usr/bin:/bin";
    private static Path cliJar;

    private MultiHost() {
    }

    // ------------------------------------------------------------------------------------------------ the world

    /** True when the world was provisioned and this JVM can enter it (root). */
    public static boolean available() {
        return "1".equals(TestEnv.get("HPC_DASK_TEST_MULTIHOST")) && "root".equals(System.getProperty("user.name"))
                && Arrays.stream(Host.values()).allMatch(h -> Files.exists(h.netnsFile()) && Files.exists(h.utsFile()));
    }

    /** Skips the test (with a loud message) when the world is absent; under CI=true fails instead. */
    public static void requireWorld() {
        if (available()) {
            return;
        }
        String message = "!!! MULTI-HOST WORLD IS NOT AVAILABLE: HPC_DASK_TEST_MULTIHOST=1 not set in "
                + TestEnv.ENV_FILE + ", a namespace hd-* is missing, or not running as root; run"
                + " scripts/provision-test-env as root";
        System.err.println(message);
        if (TestEnv.inCi()) {
            fail(message + " (CI=true: a test that would skip fails instead)");
        }
        Assumptions.abort(message);
    }

    public static String clusterUser() {
        return value("HPC_DASK_TEST_MULTIHOST_CLUSTER_USER", "hpcuser");
    }

    public static String laptopUser() {
        return value("HPC_DASK_TEST_MULTIHOST_LAPTOP_USER", "hpclaptop");
    }

    /** What the laptop user types after {@code --ssh}: {@code hpcuser@login} (login is in its ~/.ssh/config). */
    public static String sshTarget() {
        return value("HPC_DASK_TEST_MULTIHOST_SSH_TARGET", clusterUser() + "@login");
    }

    public static String slurmConf() {
        return value("HPC_DASK_TEST_MULTIHOST_SLURM_CONF", "/etc/hpc-dask-test/multihost/slurm.conf");
    }

    public static String partition() {
        return value("HPC_DASK_TEST_MULTIHOST_PARTITION", "batch");
    }

    /** Login's address on the public network (the one the laptop reaches, eth0). */
    public static String loginPublicAddress() {
        return value("HPC_DASK_TEST_MULTIHOST_LOGIN_PUBLIC", "10.213.2.1");
    }

    /** Login's address on the cluster network (ib0), the one compute nodes reach; also SlurmctldHost. */
    public static String loginClusterAddress() {
        return value("HPC_DASK_TEST_MULTIHOST_LOGIN_CLUSTER", "10.213.1.1");
    }

    public static String laptopAddress() {
        return value("HPC_DASK_TEST_MULTIHOST_LAPTOP", "10.213.2.100");
    }

    public static String nodeAddress(Host node) {
        for (String pair : value("HPC_DASK_TEST_MULTIHOST_NODES", "node1=10.213.1.11,node2=10.213.1.12").split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(node.hostname())) {
                return kv[1];
            }
        }
        throw new IllegalArgumentException("not a compute node: " + node);
    }

    public static Path home(String user) {
        return Path.of(passwd(user)[5]);
    }

    // ------------------------------------------------------------------------------------------------ commands

    /** Starts COMMAND as USER ("root" for root) on HOST with a clean environment (PATH, HOME, USER, LANG + env). */
    public static Running start(Host host, String user, Map<String, String> env, List<String> command) {
        // A user's terminal leaves Ctrl-C to its commands; a test run started as a background job (`nohup ... &`)
        // hands every process SIGINT and SIGQUIT ignored, which exec keeps and a JVM cannot undo: perl resets them.
        List<String> argv = new ArrayList<>(List.of("setsid", "perl", "-e", RESET_STOP_SIGNALS, "--", "nsenter",
                "--net=" + host.netnsFile(), "--uts=" + host.utsFile(), "--"));
        Path home;
        if ("root".equals(user)) {
            home = Path.of("/root");
        } else {
            String[] entry = passwd(user);
            home = Path.of(entry[5]);
            argv.addAll(List.of("setpriv", "--reuid=" + entry[2], "--regid=" + entry[3], "--init-groups", "--"));
        }
        argv.addAll(command);
        String what = user + "@" + host.hostname() + ": " + String.join(" ", command);
        try {
            Path out = Files.createTempFile("hpc-dask-mh-out", ".txt");
            Path err = Files.createTempFile("hpc-dask-mh-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(argv).directory(home.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            // Output goes to files, not pipes: a daemon the command leaves behind cannot keep a reader blocked.
            Map<String, String> environment = pb.environment();
            environment.clear();
            environment.put("PATH", PATH);
            environment.put("HOME", home.toString());
            environment.put("USER", user);
            environment.put("LOGNAME", user);
            environment.put("LANG", "C.UTF-8");
            environment.putAll(env);
            return new Running(what, pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + what, e);
        }
    }

    /** Runs COMMAND as USER on HOST (see {@link #start}) and waits for it, killing its process group at TIMEOUT. */
    public static Result run(Host host, String user, Map<String, String> env, Duration timeout, List<String> command) {
        try (Running running = start(host, user, env, command)) {
            return running.await(timeout);
        }
    }

    public static Result run(Host host, String user, Map<String, String> env, Duration timeout, String... command) {
        return run(host, user, env, timeout, List.of(command));
    }

    /** A bash login shell script ({@code bash -lc}) as the laptop user on the laptop. */
    public static Result asLaptop(Duration timeout, String script) {
        return asLaptop(Map.of(), timeout, script);
    }

    public static Result asLaptop(Map<String, String> env, Duration timeout, String script) {
        return run(Host.LAPTOP, laptopUser(), env, timeout, "bash", "-lc", script);
    }

    /** Starts a laptop script without waiting (e.g. {@code logs -f}); close the result to kill it. */
    public static Running startAsLaptop(Map<String, String> env, String script) {
        return start(Host.LAPTOP, laptopUser(), env, List.of("bash", "-lc", script));
    }

    /** A bash login shell script as the cluster user on login, SLURM_CONF naming the multi-host SLURM. */
    public static Result onLogin(Duration timeout, String script) {
        return onLogin(Map.of(), timeout, script);
    }

    public static Result onLogin(Map<String, String> env, Duration timeout, String script) {
        return run(Host.LOGIN, clusterUser(), loginEnv(env), timeout, "bash", "-lc", script);
    }

    public static Running startOnLogin(Map<String, String> env, String script) {
        return start(Host.LOGIN, clusterUser(), loginEnv(env), List.of("bash", "-lc", script));
    }

    /** As root on HOST (still a clean environment): for looking at the world, not for what users do. */
    public static Result asRoot(Host host, Duration timeout, String... command) {
        return run(host, "root", Map.of(), timeout, command);
    }

    /** Whether a TCP connection from HOST (as root) to ADDRESS:PORT is established within 3 s. */
    public static Result connect(Host from, String address, int port) {
        return asRoot(from, Duration.ofSeconds(10), "timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/" + port + " && echo connected");
    }

    /** The user's jobs in the multi-host SLURM, one line each: {@code JOBID STATE NODES NAME}. */
    public static List<String> squeue(String user) {
        Result r = onLogin(Duration.ofSeconds(30), "squeue -h -u " + user + " -o '%i %T %N %j'").assertOk();
        return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    // ------------------------------------------------------------------------------------------------ the laptop

    /** Takes the laptop's only link down: its connections to login stall as if it slept or roamed. */
    public static void laptopCut() {
        root("ip", "-n", Host.LAPTOP.netns(), "link", "set", "eth0", "down");
    }

    /** Brings the laptop's link back and waits until login's sshd is reachable again. */
    public static void laptopRestore() {
        root("ip", "-n", Host.LAPTOP.netns(), "link", "set", "eth0", "up");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!connect(Host.LAPTOP, loginPublicAddress(), 22).ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the laptop does not reach login:22 20 s after its link came back");
            }
            sleep(Duration.ofMillis(500));
        }
    }

    // ------------------------------------------------------------------------------------------------ the CLI

    /**
     * A copy of {@code launcher/target/hpc-dask.jar} (built by {@code mvn package}) that every user can read: the
     * repository may live under /root. Made once per JVM in a fresh 0755 directory under /var/tmp and deleted when
     * the JVM exits.
     */
    public static synchronized Path cliJar() {
        if (cliJar != null) {
            return cliJar;
        }
        Path built = builtCliJar();
        try {
            Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "hpc-dask-mh-cli-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jar = dir.resolve("hpc-dask.jar");
            Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            cliJar = jar;
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + built + " for the multi-host users", e);
        }
    }

    /** The CLI as a shell command prefix: {@code java -jar '/var/tmp/.../hpc-dask.jar'}. */
    public static String cli() {
        return "java -jar '" + cliJar() + "'";
    }

    private static Path builtCliJar() {
        String root = System.getProperty("hpcdask.repo.root");
        List<Path> candidates = new ArrayList<>();
        if (root != null) {
            candidates.add(Path.of(root, "launcher", "target", "hpc-dask.jar"));
        }
        // Without the property the working directory is the launcher module (Maven) or the repository.
        candidates.add(Path.of("target", "hpc-dask.jar"));
        candidates.add(Path.of("launcher", "target", "hpc-dask.jar"));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new AssertionError(
                "no hpc-dask.jar in " + candidates + ": run `mvn package` (integration tests run after it)"));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Map<String, String> loginEnv(Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("SLURM_CONF", slurmConf());
        all.putAll(env);
        return all;
    }

    private static String prefix() {
        return value("HPC_DASK_TEST_MULTIHOST_NETNS_PREFIX", "hd-");
    }

    private static String value(String key, String fallback) {
        String v = TestEnv.get(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** The user's /etc/passwd fields (name, x, uid, gid, gecos, home, shell). */
    private static String[] passwd(String user) {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.map(l -> l.split(":", -1)).filter(f -> f.length >= 7 && f[0].equals(user)).findFirst()
                    .orElseThrow(() -> new AssertionError("no user " + user + " in /etc/passwd"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void root(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temp file is harmless.
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(MultiHost::deleteQuietly);
        } catch (IOException ignored) {
            // Cleanup at exit: nothing left to do with the error.
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
