package io.hpcdask.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archives as a user gets them: unpacked into a fresh directory and run with no java on the PATH (the
 * bundled runtime), or with only the system's (the archive without a runtime).
 */
class ReleaseArchiveIT {
    @TempDir
    Path tmp;

    /** What bin/hpc-dask and a local cluster call by name; java is not among them. */
    private static final String[] TOOLS = {"sh", "dirname", "readlink", "cat", "sed", "stat", "cksum", "cut", "find",
            "mkdir", "rm", "mv", "true", "perl", "setsid"};

    private Map<String, String> userEnv(Path path) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(tmp.resolve("config.yaml"), "# nothing: built-in defaults\n");
        return Map.of("PATH", path.toString(), "HOME", home.toString(), "HPC_DASK_HOME", home.resolve(".hpc-dask").toString(),
                "HPC_DASK_CONFIG", tmp.resolve("config.yaml").toString(), "HPC_DASK_SITE_CONFIG", tmp.resolve("none.yaml").toString(),
                "HPC_DASK_CLI_DAEMON", "0");
    }

    /** The user's environment with the CLI daemon on, in a runtime directory of this test's. */
    private Map<String, String> withDaemon(Map<String, String> env) throws Exception {
        Map<String, String> m = new java.util.HashMap<>(env);
        m.put("HPC_DASK_CLI_DAEMON", "1");
        m.put("XDG_RUNTIME_DIR", Files.createDirectories(tmp.resolve("run")).toString());
        return m;
    }

    /** The CLI daemons started in {@code env}'s runtime directory that live, by the pid each logged. */
    private static List<Long> daemons(Map<String, String> env) throws Exception {
        Path dir = Path.of(env.get("XDG_RUNTIME_DIR"), "hpc-dask");
        List<Long> pids = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> logs = Files.list(dir)) {
                for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid (\\d+) serves").matcher(Files.readString(log));
                    while (m.find()) {
                        pids.add(Long.parseLong(m.group(1)));
                    }
                }
            }
        }
        return pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
    }

    @Test
    void theArchiveWithItsRuntimeRunsWithoutJavaOnThePath() throws Exception {
        Path install = Release.unpack(Release.archive("hpc-dask-" + Release.VERSION + "-linux-x64.tar.gz"), tmp.resolve("local"));
        Path bin = install.resolve("bin/hpc-dask");
        assertThat(install.resolve("LICENSE")).isRegularFile();
        assertThat(install.resolve("templates/job-script.ftl")).isRegularFile();
        assertThat(install.resolve("lib/" + Release.WORKER_RUNTIME)).isRegularFile();
        for (String shell : List.of("bash", "zsh", "fish")) {
            assertThat(install.resolve("completion/hpc-dask." + shell)).content().contains("hpc-dask");
        }
        Map<String, String> env = userEnv(Release.toolsWithoutJava(tmp.resolve("tools"), TOOLS));

        Release.Result version = Release.run(List.of(bin.toString(), "--version"), env, Map.of(), 120);
        assertThat(version.code()).as(version.toString()).isZero();
        assertThat(version.out()).contains("hpc-dask " + Release.VERSION);
        try (Stream<Path> archives = Files.list(install.resolve("cds"))) {
            assertThat(archives.map(p -> p.getFileName().toString())).as("a class-data archive next to the install")
                    .anyMatch(n -> n.equals("version.jsa"));
        }

        // the CLI daemon: started by a command run the plain way, then answering through lib/cli-client.pl
        Map<String, String> daemonEnv = withDaemon(env);
        try {
            assertThat(Release.run(List.of(bin.toString(), "--version"), daemonEnv, Map.of(), 120).code()).isZero();
            Release.Result served = null;
            for (int i = 0; i < 300 && (served == null || served.code() != 0); i++) {
                Thread.sleep(200);
                // the JVM path cannot start with this option: an answer is the daemon's
                served = Release.run(List.of(bin.toString(), "--version"), daemonEnv,
                        Map.of("HPC_DASK_JAVA_OPTS", "-XX:+HpcDaskNoSuchOption"), 60);
            }
            assertThat(served.code()).as(served.toString()).isZero();
            assertThat(served.out()).isEqualTo(version.out());
        } finally {
            for (long pid : daemons(daemonEnv)) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroy();
                    h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                });
            }
        }

        Release.Result script = Release.run(List.of(bin.toString(), "print", "job-script", "--system", "slurm", "--cores", "1"),
                env, Map.of(), 120);
        assertThat(script.code()).as(script.toString()).isZero();
        assertThat(script.out()).contains("#SBATCH --cpus-per-task=1").contains("# class-data archive")
                .contains("\"$hpc_dask_java\" ${hpc_dask_cds_option:+\"$hpc_dask_cds_option\"}");

        try {
            Release.Result up = Release.run(List.of(bin.toString(), "cluster", "up", "--system", "local", "--cores", "1"),
                    env, Map.of(), 300);
            assertThat(up.code()).as(up.toString()).isZero();
            Release.Result run = Release.run(List.of(bin.toString(), "submit", "run", "--wait", "--", "true"), env, Map.of(), 300);
            assertThat(run.code()).as(run.toString()).isZero();
        } finally {
            Release.Result down = Release.run(List.of(bin.toString(), "cluster", "down"), env, Map.of(), 300);
            assertThat(down.code()).as(down.toString()).isZero();
        }
    }

    @Test
    void theArchiveWithoutARuntimeNeedsJava17AndSaysSo() throws Exception {
        Path install = Release.unpack(Release.archive("hpc-dask-" + Release.VERSION + ".tar.gz"), tmp.resolve("local"));
        assertThat(install.resolve("runtime")).doesNotExist();
        Path bin = install.resolve("bin/hpc-dask");
        Path tools = Release.toolsWithoutJava(tmp.resolve("tools"), TOOLS);

        Release.Result without = Release.run(List.of(bin.toString(), "--version"), userEnv(tools), Map.of(), 60);
        assertThat(without.code()).isEqualTo(1);
        assertThat(without.err()).contains("hpc-dask: needs Java 17 or newer, and there is no 'java' on the PATH");

        Files.createSymbolicLink(tools.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Release.Result with = Release.run(List.of(bin.toString(), "--version"), userEnv(tools), Map.of(), 120);
        assertThat(with.code()).as(with.toString()).isZero();
        assertThat(with.out()).contains("hpc-dask " + Release.VERSION);
    }

    /**
     * The job script's unpacking of the worker runtime, run by 20 processes at once against one fresh archive: every
     * one gets a java that runs, and one runtime is left, with no half-unpacked copy beside it.
     */
    @Test
    void manyTasksUnpackingAtOnceAllGetOneRuntime() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Path script = RuntimeUnpackStep.write(lib, tmp.resolve("unpack.sh"));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Release.Result>> runs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                runs.add(pool.submit(() -> Release.run(List.of("sh", script.toString()), null, Map.of(), 300)));
            }
            for (Future<Release.Result> r : runs) {
                Release.Result result = r.get();
                assertThat(result.code()).as(result.toString()).isZero();
                assertThat(result.err()).contains("version \"17");
            }
        } finally {
            pool.shutdownNow();
        }
        RuntimeUnpackStep.assertOneRuntime(lib);
    }
}
