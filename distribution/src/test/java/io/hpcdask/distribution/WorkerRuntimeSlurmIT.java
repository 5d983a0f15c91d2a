package io.hpcdask.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.ssh.SshFixture;
import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers on the real one-node SLURM, reached over the loopback sshd, started by the unpacked release: with
 * {@code worker-java: bundled} their JVM is the runtime uploaded to the cluster account; and 50 array tasks unpacking
 * that runtime at once all start and leave one copy.
 */
class WorkerRuntimeSlurmIT {
    @TempDir
    Path tmp;
    private final String jobName = "rt-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void cancelLeftovers() throws Exception {
        Release.run(List.of("scancel", "--name", jobName), null, Map.of(), 60);
    }

    @Test
    void bundledWorkersRunTheUploadedRuntime() throws Exception {
        TestEnv.requireSlurm();
        int port = TestEnv.sshPort();
        Path install = Release.unpack(Release.archive("hpc-dask-" + Release.VERSION + "-linux-x64.tar.gz"), tmp.resolve("local"));
        Path bin = install.resolve("bin/hpc-dask");
        Path config = tmp.resolve("config.yaml");
        Files.writeString(config, "worker-java: bundled\ncores: 1\nmemory: 500M\nwalltime: 00:10:00\n");
        Map<String, String> env = Map.of("HPC_DASK_HOME", tmp.resolve("hd").toString(), "HPC_DASK_CONFIG", config.toString());
        List<String> up = new ArrayList<>(List.of(bin.toString(), "cluster", "up", "--system", "slurm", "--server", "here",
                "--ssh", TestEnv.sshUser() + "@127.0.0.1:" + port, "--known-hosts",
                SshFixture.knownHostsTrusting(tmp, port).toString(), "-i", TestEnv.sshKey().toString(), "--job-name", jobName));
        try {
            Release.Result started = Release.run(up, null, env, 600);
            assertThat(started.code()).as(started.toString()).isZero();
            Release.Result scaled = Release.run(List.of(bin.toString(), "scale", "1", "--wait", "--timeout", "8m"), null, env, 600);
            assertThat(scaled.code()).as(scaled.toString()).isZero();

            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(workerJvm()), "exe"));
            assertThat(exe.toString()).as("the worker JVM's binary")
                    .matches(".*/\\.hpc-dask/lib/hpc-dask-worker-runtime-linux-x64-[0-9a-f]{64}/bin/java");
            Release.Result run = Release.run(List.of(bin.toString(), "submit", "run", "--wait", "--", "true"), null, env, 300);
            assertThat(run.code()).as(run.toString()).isZero();
        } finally {
            // its own exit says nothing the assertions above did not: when up failed, there is nothing to stop
            Release.run(List.of(bin.toString(), "cluster", "down"), null, env, 300);
        }
    }

    /** The worker JVM of this test's job: everything runs as root on this one host, so /proc shows it. */
    private long workerJvm() throws Exception {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Long> found = procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> {
                        String cmd = read(p.resolve("cmdline"));
                        return cmd.contains("-jar") && cmd.contains("hpc-dask-worker") && cmd.contains("\0" + jobName + "\0");
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString())).toList();
            assertThat(found).as("exactly one worker JVM of job name %s", jobName).hasSize(1);
            return found.get(0);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void fiftyArrayTasksUnpackingAtOnceAllStart() throws Exception {
        TestEnv.requireSlurm();
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Path script = RuntimeUnpackStep.write(lib, tmp.resolve("unpack.sh"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Release.Result submitted = Release.run(List.of("sbatch", "--parsable", "--wait", "--array=0-49", "-p",
                TestEnv.slurmPartition(), "-J", jobName, "-n", "1", "--mem=100M", "-t", "00:10:00",
                "-o", out + "/%a.out", "-e", out + "/%a.err", script.toString()), null, Map.of(), 900);
        assertThat(submitted.code()).as("sbatch --wait: every task exits 0; %s", submitted).isZero();
        for (int i = 0; i < 50; i++) {
            assertThat(Files.readString(out.resolve(i + ".err"))).as("task %d", i).contains("version \"17");
        }
        RuntimeUnpackStep.assertOneRuntime(lib);
    }
}
