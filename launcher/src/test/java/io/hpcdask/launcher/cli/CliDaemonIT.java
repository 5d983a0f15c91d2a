package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI daemon with the packaged jar, the launch script and the perl client, all real processes: what it answers is
 * byte for byte what the plain JVM path prints, with the same exit code; calls of different environments do not mix;
 * a changed jar, an unsafe directory, a killed daemon and a peer of another user each end as documented. Each test
 * has its own XDG_RUNTIME_DIR, so its own daemon, which it ends by pid.
 */
class CliDaemonIT {
    /** Makes the plain JVM path fail to start: a call that still answers was answered by the daemon. */
    static final String NO_JVM = "HPC_DASK_JAVA_OPTS=-XX:+HpcDaskNoSuchOption";

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    private static Path clusterHome;
    private Path jar;
    private Path runtime;

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void startCluster() throws Exception {
        clusterHome = shared.resolve("cluster-home");
        Result up = plain(shared, Map.of("HPC_DASK_HOME", clusterHome.toString()), "cluster", "up", "--system", "local",
                "--workers", "1");
        assertThat(up.code()).as(up.toString()).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        plain(shared, Map.of("HPC_DASK_HOME", clusterHome.toString()), "cluster", "down");
    }

    @BeforeEach
    void setUp() throws IOException {
        jar = tmp.resolve("hpc-dask.jar");
        Files.copy(repoRoot().resolve("launcher/target/hpc-dask.jar"), jar);
        runtime = tmp.resolve("run");
        Files.createDirectories(runtime);
    }

    @AfterEach
    void endDaemons() throws IOException {
        for (long pid : daemonPids()) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            });
        }
    }

    @Test
    void answersAsTheJvmPathDoes() throws Exception {
        startDaemon();
        Map<String, String> env = Map.of("HPC_DASK_HOME", clusterHome.toString());
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("lines.txt"), "a\n");
        List<List<String>> calls = List.of(List.of("--help"), List.of("--version"), List.of("submit", "run", "--help"),
                List.of("print", "job-script", "--system", "slurm", "--cores", "2", "--memory", "4G"),
                List.of("runs", "--bogus"), List.of("submit", "run", "--each-line", "missing.txt", "--", "true"),
                List.of("runs"), List.of("workers"), List.of("runs", "-o", "json"), List.of("logs", "1"),
                List.of("submit", "run", "--wait", "--", "sh", "-c", "echo out; echo err >&2; exit 3"));
        for (List<String> call : calls) {
            Result daemon = cli(work, with(env, NO_JVM), call);
            Result jvm = cli(work, with(env, "HPC_DASK_CLI_DAEMON=0"), call);
            if (call.contains("--wait")) { // a new run each time: its id is the only difference
                assertThat(daemon.out()).matches("\\d+\nout\n");
                assertThat(daemon.err()).isEqualTo(jvm.err()).isEqualTo("err\n");
                assertThat(daemon.code()).isEqualTo(jvm.code()).isEqualTo(3);
                continue;
            }
            assertThat(daemon).as("%s", call).isEqualTo(jvm);
        }
        // relative paths are the caller's: its directory is the run's, its file the one read
        Result relative = cli(work, with(env, NO_JVM), List.of("submit", "run", "--wait", "--each-line", "lines.txt", "--",
                "sh", "-c", "pwd; echo $HPC_DASK_ENTRY"));
        assertThat(relative.code()).as(relative.toString()).isZero();
        assertThat(relative.out()).matches("\\d+\n" + Pattern.quote(work.toRealPath().toString()) + "\na\n");
        Result status = cli(work, with(env, NO_JVM), List.of("cluster", "status"));
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out()).contains("local");
        Result badInput = cli(work, with(env, NO_JVM), List.of("runs", "--limit", "x"));
        assertThat(badInput.code()).isEqualTo(2);
        assertThat(badInput.err().lines()).hasSize(1);
    }

    @Test
    void concurrentCallsOfOtherEnvironmentsDoNotMix() throws Exception {
        startDaemon();
        Path empty = Files.createDirectories(tmp.resolve("empty-home"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Result>> running = new ArrayList<>();
            List<Future<Result>> stopped = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                running.add(pool.submit(() -> cli(tmp, with(Map.of("HPC_DASK_HOME", clusterHome.toString()), NO_JVM),
                        List.of("workers"))));
                stopped.add(pool.submit(() -> cli(tmp, with(Map.of("HPC_DASK_HOME", empty.toString(), "HPC_DASK_CLUSTER", "other"),
                        NO_JVM), List.of("runs"))));
            }
            for (Future<Result> f : running) {
                Result r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.code()).as(r.toString()).isZero();
                assertThat(r.out()).contains("local");
            }
            for (Future<Result> f : stopped) {
                Result r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.code()).as(r.toString()).isEqualTo(3);
                assertThat(r.err()).isEqualTo("hpc-dask: no cluster 'other' is running (start it with 'hpc-dask cluster up --name other')\n");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChangedJarIsServedByTheJvmAndItsDaemonEnds() throws Exception {
        long pid = startDaemon();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 3_600_000));
        Result r = cli(tmp, Map.of(), List.of("--version"));
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("hpc-dask ");
        assertThat(ProcessHandle.of(pid).map(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join().isAlive()).orElse(false))
                .as("the daemon of the old jar ended").isFalse();
        assertThat(Files.readString(log())).contains("ended: a client runs another jar");
    }

    @Test
    void anUnsafeDirectoryMeansNoDaemon() throws Exception {
        Path dir = runtime.resolve("hpc-dask");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertNoDaemonAndPlainWorks(dir);
        Files.delete(dir);

        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(dir, elsewhere);
        assertNoDaemonAndPlainWorks(elsewhere);
        Files.delete(dir);

        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Process chown = new ProcessBuilder("chown", "nobody", dir.toString()).inheritIO().start();
        assertThat(chown.waitFor()).isZero();
        assertNoDaemonAndPlainWorks(dir);
    }

    @Test
    void aDaemonKilledDuringAWaitIsAnErrorAndNothingRunsTwice() throws Exception {
        long pid = startDaemon();
        Path marks = tmp.resolve("marks");
        Map<String, String> env = Map.of("HPC_DASK_HOME", clusterHome.toString());
        Process waiting = start(tmp, env, List.of("submit", "run", "--wait", "--label", "killed-" + pid, "--", "sh", "-c",
                "echo x >> " + marks + "; sleep 3"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marks) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertThat(waiting.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(waiting.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(waiting.exitValue()).as(err).isEqualTo(4);
        assertThat(err).contains("hpc-dask: the CLI daemon ended during the command", "the command may have taken effect");
        Thread.sleep(4000);
        Result runs = cli(tmp, with(env, "HPC_DASK_CLI_DAEMON=0"), List.of("runs", "--label", "killed-" + pid, "-o", "quiet"));
        assertThat(runs.out().lines()).as(runs.toString()).hasSize(1);
        assertThat(Files.readAllLines(marks)).containsExactly("x");
    }

    @Test
    void ctrlCEndsAWaitAsItEndsTheJvmPath() throws Exception {
        long daemon = startDaemon();
        Map<String, String> env = with(Map.of("HPC_DASK_HOME", clusterHome.toString()), NO_JVM);
        Process waiting = start(tmp, env, List.of("submit", "run", "--wait", "--label", "ctrl-c", "--", "sleep", "120"));
        StringBuilder line = new StringBuilder(); // its id, then it waits
        for (int c = waiting.getInputStream().read(); c != -1 && c != '\n'; c = waiting.getInputStream().read()) {
            line.append((char) c);
        }
        String id = line.toString();
        assertThat(id).matches("\\d+");
        try {
            // the wait's connection to the scheduler, which sends nothing until the run ends or a ping is due (15 s)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> establishedTcp(daemon) > 0);
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(waiting.pid())).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
            assertThat(waiting.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(waiting.exitValue()).isEqualTo(130); // the JVM's exit on SIGINT
            assertThat(new String(waiting.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
            // the daemon's call ends with its client, and closes that connection, well before the next ping
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> establishedTcp(daemon) == 0);
            // the run itself goes on, as after a Ctrl-C of the plain path
            Result runs = cli(tmp, env, List.of("runs", "--label", "ctrl-c", "-o", "quiet"));
            assertThat(runs.out().lines()).as(runs.toString()).containsExactly(id);
        } finally {
            cli(tmp, env, List.of("cancel", id)); // the one worker's slot is the other tests'
        }
    }

    /** The TCP connections of process {@code pid} that are established (its socket inodes in /proc/PID/net/tcp*). */
    private static int establishedTcp(long pid) throws IOException {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        int n = 0;
        for (String table : List.of("tcp", "tcp6")) {
            Path f = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(f)) {
                continue;
            }
            List<String> rows = Files.readAllLines(f);
            for (String row : rows.subList(1, rows.size())) {
                String[] col = row.trim().split("\\s+");
                if (col.length > 9 && col[3].equals("01") && inodes.contains(col[9])) { // 01: ESTABLISHED
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void aPeerOfAnotherUserIsClosedUnanswered() throws Exception {
        startDaemon();
        Path dir = runtime.resolve("hpc-dask");
        Path socket;
        try (var s = Files.list(dir)) {
            socket = s.filter(p -> p.toString().endsWith(".sock")).findFirst().orElseThrow();
        }
        // reachable for nobody: the directories on the way searchable, the socket writable
        Path top = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
        for (Path p = dir.toRealPath(); p != null && p.startsWith(top) && !p.equals(top); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
        String perl = "use Socket; $SIG{PIPE} = 'IGNORE'; socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die; connect($s, pack_sockaddr_un($ARGV[0]))"
                + " or die \"connect: $!\"; my $r = join(\"\\0\", 1, $ARGV[1], 0, 0, '/', '000', 0, 1, '--version');"
                + " syswrite $s, pack('aN', 'R', length $r) . $r; print sysread($s, my $b, 5) ? 'answered' : 'closed'";
        Process p = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "perl", "-e", perl,
                socket.toString(), jar.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(said).isZero();
        assertThat(said).isEqualTo("closed"); // connected, then closed without a byte
        assertThat(Files.readString(log())).contains("refused a peer of user nobody");
    }

    private void assertNoDaemonAndPlainWorks(Path dir) throws Exception {
        for (int i = 0; i < 2; i++) {
            Result r = cli(tmp, Map.of("HPC_DASK_HOME", clusterHome.toString()), List.of("workers"));
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(r.out()).contains("local");
        }
        Thread.sleep(1000);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".sock"));
        }
        assertThat(daemonPids()).isEmpty();
    }

    /** Runs a served command the plain way, which starts the daemon; waits for it to answer; returns its pid. */
    private long startDaemon() throws Exception {
        Result first = cli(tmp, Map.of(), List.of("--version"));
        assertThat(first.code()).as(first.toString()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Result r = cli(tmp, with(Map.of(), NO_JVM), List.of("--version"));
            if (r.code() == 0) {
                return daemonPids().get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no daemon answered within 60 s; its log: " + (Files.exists(log()) ? Files.readString(log()) : "none"));
    }

    private Path log() throws IOException {
        try (var s = Files.list(runtime.resolve("hpc-dask"))) {
            return s.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
    }

    private List<Long> daemonPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        Path dir = runtime.resolve("hpc-dask");
        if (!Files.isDirectory(dir)) {
            return pids;
        }
        try (var s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".log")).toList()) {
                Matcher m = Pattern.compile("pid (\\d+) serves").matcher(Files.readString(p));
                while (m.find()) {
                    long pid = Long.parseLong(m.group(1));
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        pids.add(pid);
                    }
                }
            }
        }
        return pids;
    }

    private static Map<String, String> with(Map<String, String> env, String assignment) {
        Map<String, String> m = new LinkedHashMap<>(env);
        int eq = assignment.indexOf('=');
        m.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        return m;
    }

    private Result cli(Path cwd, Map<String, String> env, List<String> args) throws Exception {
        Process p = start(cwd, env, args);
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the CLI did not end in 120 s: " + args);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private Process start(Path cwd, Map<String, String> env, List<String> args) throws IOException {
        return launch(cwd, jar, tmp.resolve("cds"), runtime, env, args);
    }

    /** The CLI started as ./hpc-dask starts it: cli-launch.sh's hd_run_cli, the daemon on unless env says otherwise. */
    private static Process launch(Path cwd, Path jar, Path cds, Path runtime, Map<String, String> env, List<String> args)
            throws IOException {
        Path sh = repoRoot().resolve("distribution/src/main/sh");
        List<String> argv = new ArrayList<>(List.of("sh", "-c",
                "hd_sh=$0 jar=$1 cds=$2; shift 2; . \"$hd_sh/cli-launch.sh\"; hd_run_cli java \"$jar\" \"$cds\" \"$@\"",
                sh.toString(), jar.toString(), cds.toString()));
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().put("HPC_DASK_CLI_DAEMON", "1");
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        pb.environment().put("HPC_DASK_CDS", "0");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static Result plain(Path dir, Map<String, String> env, String... args) throws Exception {
        Process p = launch(dir, repoRoot().resolve("launcher/target/hpc-dask.jar"), dir.resolve("cds"), dir,
                with(env, "HPC_DASK_CLI_DAEMON=0"), List.of(args));
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static Path repoRoot() {
        String root = System.getProperty("hpcdask.repo.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }
}
