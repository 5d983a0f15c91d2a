package io.hpcdask.launcher.cluster;

import io.hpcdask.launcher.server.LocalWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.server.api.RunView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, row 13: the CLI and the server make every file 0600 and every directory 0700 whatever the umask, and refuse
 * a cluster directory or access file that another user could have written.
 */
class PrivateFilesTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    /**
     * {@code cluster up} as its own process under umask 000 (so the server and workers it starts inherit it), a run, a
     * run that fails, {@code cluster down}: then everything under HPC_DASK_HOME, which did not exist, is private.
     */
    @Test
    void everythingIsPrivateUnderUmask000() throws Exception {
        Path home = tmp.resolve("hpc"); // does not exist: the CLI creates it, and clusters/, under umask 000
        try (LocalClusterFixture clusters = new LocalClusterFixture(home)) {
            clusters.track("p");
            Process up = cliUnderUmask000(home, "cluster", "up", "--name", "p", "--system", "local", "--workers", "1");
            assertThat(up.waitFor(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(up.exitValue()).as(new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

            assertThat(Files.readAllLines(Path.of("/proc/" + clusters.serverPid("p") + "/status")))
                    .as("the server runs under umask 000").contains("Umask:\t0000");

            String ok = clusters.submit("p", "--wait", "--", "sh", "-c", "echo out; echo err >&2").get(0);
            String bad = clusters.submit("p", "--", "false").get(0);
            List<RunView> ended = clusters.awaitEnded("p", List.of(ok, bad), LONG);
            assertThat(ended).extracting(RunView::state).containsExactly("completed", "error");
            ClusterDir dir = clusters.dir("p");
            assertThat(Files.readString(dir.runLogs().resolve(ok + ".log"))).contains("out\n").contains("err\n");
            clusters.ok("cluster", "down", "--name", "p");

            assertThat(dir.serverLog()).exists();
            assertThat(dir.database()).exists();
            assertThat(dir.workersDir()).isNotEmptyDirectory();
            assertEverythingPrivate(home);
        }
    }

    @Test
    void refusesAnAccessFileOfAnotherUserOrWritableByOthers() throws Exception {
        Path home = tmp.resolve("hpc");
        LocalClusterFixture clusters = new LocalClusterFixture(home);
        ClusterDir dir = clusters.dir("x").create();
        new AccessInfo("x", "127.0.0.1", 1, 2, "forged-token", ProcessHandle.current().pid(), 0).write(dir.accessFile());

        Files.setOwner(dir.accessFile(), nobody());
        assertRefused(clusters, "refusing to use access file " + dir.accessFile() + ": " + dir.accessFile()
                + " is owned by uid " + Files.getAttribute(dir.accessFile(), "unix:uid") + ", not by you");

        Files.setOwner(dir.accessFile(), me());
        Files.setPosixFilePermissions(dir.accessFile(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertRefused(clusters, "refusing to use access file " + dir.accessFile() + ": " + dir.accessFile()
                + " is writable by other users (mode rw-rw-rw-)");
        Files.setPosixFilePermissions(dir.accessFile(), PosixFilePermissions.fromString("rw--w----"));
        assertRefused(clusters, "is writable by other users (mode rw--w----)");
    }

    @Test
    void refusesAClusterDirectoryOfAnotherUserOrWritableByOthers() throws Exception {
        Path home = tmp.resolve("hpc");
        LocalClusterFixture clusters = new LocalClusterFixture(home);
        ClusterDir dir = clusters.dir("x").create();

        Files.setOwner(dir.path(), nobody());
        assertRefused(clusters, "refusing to use cluster directory " + dir.path() + ": " + dir.path() + " is owned by uid");
        CliRun.Result up = clusters.cli("cluster", "up", "--name", "x", "--system", "local");
        assertThat(up.exitCode()).isEqualTo(1);
        assertThat(up.err()).startsWith("hpc-dask: refusing to use cluster directory").hasLineCount(1);

        Files.setOwner(dir.path(), me());
        Files.setPosixFilePermissions(dir.path(), PosixFilePermissions.fromString("rwx---rwx"));
        assertRefused(clusters, "is writable by other users (mode rwx---rwx)");
        assertThat(Files.getPosixFilePermissions(dir.path())).as("left as found").hasSize(6);
    }

    /** An older version under umask 000 left ~/.hpc-dask and clusters/ world-writable: the CLI makes them 0700 again. */
    @Test
    void tightensItsOwnWorldWritableHomeAndClustersDirectory() throws Exception {
        Path home = tmp.resolve("hpc");
        Files.createDirectories(home.resolve("clusters"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(home.resolve("clusters"), PosixFilePermissions.fromString("rwxrwxrwx"));
        LocalClusterFixture clusters = new LocalClusterFixture(home);
        CliRun.Result r = clusters.cli("runs", "--name", "nothing");
        assertThat(mode(home)).isEqualTo("rwx------");
        assertThat(mode(home.resolve("clusters"))).isEqualTo("rwx------");
        assertThat(r.err()).doesNotContain("refusing");

        Files.setOwner(home.resolve("clusters"), nobody());
        Files.setPosixFilePermissions(home.resolve("clusters"), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertRefused(clusters, "refusing to use " + home.resolve("clusters") + ": " + home.resolve("clusters")
                + " is owned by uid");
        assertThat(mode(home.resolve("clusters"))).as("not ours to change").isEqualTo("rwxrwxrwx");
    }

    private static void assertRefused(LocalClusterFixture clusters, String expected) {
        CliRun.Result r = clusters.cli("runs", "--name", "x");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(expected).startsWith("hpc-dask: refusing to use ").hasLineCount(1);
        assertThat(r.out()).isEmpty();
    }

    static void assertEverythingPrivate(Path root) throws IOException {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.forEach(p -> {
                String mode = mode(p);
                boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (!mode.equals(dir ? "rwx------" : "rw-------")) {
                    wrong.add(mode + " " + root.relativize(p));
                }
            });
        }
        assertThat(wrong).as("files not 0600 / directories not 0700 under " + root).isEmpty();
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static UserPrincipal nobody() throws IOException {
        return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    private static UserPrincipal me() throws IOException {
        return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    /** The CLI as its own JVM, started by a shell that first sets umask 000. */
    private static Process cliUnderUmask000(Path home, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask 000; exec \"$@\"", "sh",
                LocalWorkers.javaExecutable(), "-cp", System.getProperty("java.class.path")));
        String repoRoot = System.getProperty("hpcdask.repo.root");
        if (repoRoot != null) {
            cmd.add("-Dhpcdask.repo.root=" + repoRoot);
        }
        cmd.add("-Duser.home=" + home.resolveSibling("user-home"));
        cmd.add("io.hpcdask.launcher.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HPC_DASK_HOME", home.toString());
        return pb.start();
    }
}
