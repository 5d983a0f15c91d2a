package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.ssh.SshFixture;
import io.hpcdask.launcher.testenv.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CLI of one test against the real one-node SLURM through the loopback sshd: its own HPC_DASK_HOME and config
 * file, and a job name of its own, so squeue and scancel answer for this test alone. The server stays here
 * ({@code --server here}): a test's CLI runs from classes, not the packaged jar a login node would be sent.
 */
final class SlurmOverSsh {
    final Path home;
    final Path config;
    final String jobName;
    /** What {@code cluster up} takes to reach SLURM this way, the job name included. */
    final List<String> sshArgs;

    SlurmOverSsh(Path home, String jobPrefix, String configYaml) throws IOException {
        TestEnv.requireSlurm();
        this.home = home;
        this.jobName = jobPrefix + UUID.randomUUID().toString().substring(0, 8);
        int port = TestEnv.sshPort();
        Path knownHosts = SshFixture.knownHostsTrusting(home, port);
        this.sshArgs = List.of("--system", "slurm", "--server", "here", "--ssh", TestEnv.sshUser() + "@127.0.0.1:" + port,
                "--known-hosts", knownHosts.toString(), "-i", TestEnv.sshKey().toString(), "--job-name", jobName);
        this.config = home.resolve("config.yaml");
        Files.writeString(config, configYaml);
    }

    CliRun.Result cli(String... args) {
        return new CliRun(home).env("HPC_DASK_HOME", home.resolve("hpc-dask").toString())
                .env("HPC_DASK_CONFIG", config.toString()).run(args);
    }

    CliRun.Result ok(String... args) {
        CliRun.Result r = cli(args);
        assertThat(r.exitCode()).as("hpc-dask %s%nstdout: %s%nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
        return r;
    }

    /** Job id to SLURM state of this test's jobs that squeue still lists as pending or running. */
    Map<String, String> squeue() throws Exception {
        Process p = new ProcessBuilder("squeue", "-h", "-r", "--name", jobName, "-t", "PENDING,RUNNING,CONFIGURING,COMPLETING",
                "-o", "%i %T").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out.lines().map(l -> l.split(" ")).collect(Collectors.toMap(f -> f[0], f -> f[1]));
    }

    /** Takes away whatever of this test is left in the queue, so it cannot disturb other tests. */
    void cancelLeftovers() throws Exception {
        new ProcessBuilder("scancel", "--name", jobName).start().waitFor(30, TimeUnit.SECONDS);
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** Alive and not a zombie. */
    static boolean running(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return !stat.isEmpty() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    }

    /**
     * The worker JVM of SLURM job {@code jobId}: the java process whose environment carries that job id and whose
     * command line runs the worker jar with -jar (everything runs as root on this one host, so /proc shows it all).
     */
    static long workerJvm(String jobId) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Long> found = procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> inJob("\0" + read(p.resolve("environ")), jobId))
                    .filter(p -> {
                        String cmd = read(p.resolve("cmdline"));
                        // -jar: the first worker of a new jar on the node also runs a java -cp JAR -Xshare:dump
                        return cmd.contains("java") && cmd.contains("\0-jar\0") && cmd.contains("hpc-dask-worker");
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString())).toList();
            assertThat(found).as("exactly one worker JVM in job %s", jobId).hasSize(1);
            return found.get(0);
        }
    }

    /** Whether a NUL-separated environment (with a leading NUL) belongs to job {@code 12} or array element {@code 12_3}. */
    static boolean inJob(String environ, String jobId) {
        int u = jobId.indexOf('_');
        return u < 0 ? environ.contains("\0SLURM_JOB_ID=" + jobId + "\0")
                : environ.contains("\0SLURM_ARRAY_JOB_ID=" + jobId.substring(0, u) + "\0")
                        && environ.contains("\0SLURM_ARRAY_TASK_ID=" + jobId.substring(u + 1) + "\0");
    }
}
