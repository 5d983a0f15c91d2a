package io.hpcdask.launcher.testenv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the machine really offers what {@link TestEnv} promises, with the real command-line tools: if
 * provisioning is broken, this fails here with the tools' own output rather than deep inside another test.
 */
class TestEnvTest {
    @TempDir
    Path dir;

    @Test
    void slurmListsThePartitionAndAcceptsATinyJob() throws Exception {
        TestEnv.requireSlurm();
        String partition = TestEnv.slurmPartition();

        Result sinfo = run("sinfo", "--noheader", "--partition", partition, "--format", "%R %a %T");
        assertThat(sinfo.exit).as(sinfo.describe()).isZero();
        assertThat(sinfo.out).as(sinfo.describe()).startsWith(partition + " up ");

        Path script = dir.resolve("tiny.sh");
        Files.writeString(script, "#!/bin/bash\n#SBATCH --time=1\ntrue\n");
        Result test = run("sbatch", "--test-only", "--partition", partition, "--job-name", "hpcdask-testenv",
                script.toString());
        assertThat(test.exit).as(test.describe()).isZero();
        // sbatch --test-only reports on stderr: "sbatch: Job N to start at ... in partition P".
        assertThat(test.err).as(test.describe()).contains("to start at").contains("partition " + partition);

        System.out.println("SLURM-backed test ran: sinfo '" + sinfo.out.strip() + "'; " + test.err.strip());
    }

    @Test
    void sshdLetsRootInByKeyWithAPinnedHostKey() throws Exception {
        TestEnv.requireSsh();
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), TestEnv.hostKeyLine() + "\n");

        Result ssh = run(ssh(knownHosts, "echo", "ok"));
        assertThat(ssh.exit).as(ssh.describe()).isZero();
        assertThat(ssh.out.strip()).as(ssh.describe()).isEqualTo("ok");

        System.out.println("sshd-backed test ran: ssh -p " + TestEnv.sshPort() + " " + TestEnv.sshUser()
                + "@127.0.0.1 echo ok -> " + ssh.out.strip());
    }

    @Test
    void sshRefusesTheTestSshdWhenItsHostKeyIsNotPinned() throws Exception {
        TestEnv.requireSsh();
        // Guards the test above: with strict checking and no known host key, the same login must fail.
        Path empty = Files.writeString(dir.resolve("known_hosts_empty"), "");

        Result ssh = run(ssh(empty, "echo", "ok"));
        assertThat(ssh.exit).as(ssh.describe()).isEqualTo(255);
        assertThat(ssh.err).as(ssh.describe()).contains("Host key verification failed");
    }

    private static List<String> ssh(Path knownHosts, String... command) {
        List<String> argv = new ArrayList<>(List.of("ssh",
                "-i", TestEnv.sshKey().toString(),
                "-p", String.valueOf(TestEnv.sshPort()),
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "ConnectTimeout=20",
                TestEnv.sshUser() + "@127.0.0.1"));
        argv.addAll(List.of(command));
        return argv;
    }

    private Result run(String... argv) throws IOException, InterruptedException {
        return run(List.of(argv));
    }

    private Result run(List<String> argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out after 120 s: " + argv);
        }
        return new Result(argv, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(List<String> argv, int exit, String out, String err) {
        String describe() {
            return String.join(" ", argv) + " -> exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }
}
