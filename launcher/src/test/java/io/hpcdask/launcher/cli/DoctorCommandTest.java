package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.ssh.HostKeys;
import io.hpcdask.launcher.ssh.SshFixture;
import io.hpcdask.launcher.testenv.TestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
    @TempDir
    Path tmp;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int doctor(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.run(CliContext.fromSystem(), new PrintWriter(out), new PrintWriter(err), all);
        System.out.println("$ hpc-dask " + String.join(" ", all) + "\n" + out + err + "exit " + code);
        return code;
    }

    @Test
    void allChecksPassAgainstTheLoopbackSlurmOverSsh() throws Exception {
        TestEnv.requireSlurm();
        int port = TestEnv.sshPort();
        Path knownHosts = SshFixture.knownHostsTrusting(tmp, port);
        int code = doctor("--system", "slurm", "--ssh", TestEnv.sshUser() + "@127.0.0.1:" + port,
                "--known-hosts", knownHosts.toString(), "-i", TestEnv.sshKey().toString());
        assertThat(code).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(Arrays.copyOf(lines, 6)).allSatisfy(l -> assertThat(l).startsWith("OK  "));
        assertThat(out.toString()).contains("host key").contains("ssh login").contains("batch commands")
                .contains("slurm-wlm 22.05").contains("java").contains(".hpc-dask/lib/hpc-dask-worker-")
                .contains("to start at").endsWith("all checks passed\n");
        // the probe job ran on the node and reached the listener doctor started on the login node
        assertThat(lines[lines.length - 2]).matches("OK    network         compute node \\S+ reached \\S+:\\d+ in \\d+ ms");
        assertThat(out.toString()).doesNotContain("FAIL").doesNotContain("SKIP");
    }

    @Test
    void aMissingHostKeyFailsWithFingerprintAndKeyscanLine() throws Exception {
        int port = TestEnv.sshPort();
        Path knownHosts = tmp.resolve("known_hosts");
        int code = doctor("--system", "slurm", "--ssh", TestEnv.sshUser() + "@127.0.0.1:" + port,
                "--known-hosts", knownHosts.toString(), "-i", TestEnv.sshKey().toString());
        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(out.toString())
                .contains("FAIL  host key")
                .contains(HostKeys.fingerprint(SshFixture.hostKeyBlob()))
                .contains("ssh-keyscan -p " + port + " -t ed25519 127.0.0.1 >> " + knownHosts)
                .contains("SKIP  test job");
    }

    @Test
    void pbsThroughShimsOverSshHoldsAndDeletesATestJob() throws Exception {
        int port = TestEnv.sshPort();
        Path bin = io.hpcdask.launcher.batch.PbsShimsAccess.install(tmp, "pro");
        int code = doctor("--system", "pbs", "--ssh", TestEnv.sshUser() + "@127.0.0.1:" + port,
                "--known-hosts", SshFixture.knownHostsTrusting(tmp, port).toString(), "-i", TestEnv.sshKey().toString(),
                "--batch-path", bin.toString(), "--no-network"); // the shims accept jobs but never run them
        assertThat(code).isZero();
        assertThat(out.toString()).contains("qsub, qstat, qdel found; pbs_version = 23.06.06")
                .contains("held job 1234.pbs-server accepted, then deleted");
        assertThat(java.nio.file.Files.readAllLines(bin.resolve("calls.log"))).containsSubsequence("qsub -h", "qdel 1234.pbs-server");
    }

    @Test
    void theTestJobIsTheProfilesOwnScriptSoABadQueueShowsHere() throws Exception {
        TestEnv.requireSlurm();
        int port = TestEnv.sshPort();
        int code = doctor("--system", "slurm", "--ssh", TestEnv.sshUser() + "@127.0.0.1:" + port, "--queue", "nosuch",
                "--known-hosts", SshFixture.knownHostsTrusting(tmp, port).toString(), "-i", TestEnv.sshKey().toString());
        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(out.toString()).contains("FAIL  test job").contains("invalid partition specified: nosuch");
    }

    @Test
    void javaOnTheNodesIsTheConfiguredOne() throws Exception {
        int port = TestEnv.sshPort();
        // a java named by worker-java must run: no bundled runtime stands in for it
        int code = doctor("--system", "slurm", "--ssh", TestEnv.sshUser() + "@127.0.0.1:" + port, "--worker-java", "/no/such/java",
                "--known-hosts", SshFixture.knownHostsTrusting(tmp, port).toString(), "-i", TestEnv.sshKey().toString());
        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(out.toString()).contains("FAIL  java            '/no/such/java' does not run in a login shell")
                .contains("worker-java names it: workers run '/no/such/java'");
    }

    @Test
    void aClosedSchedulerAddressFailsTheNetworkCheckWithItsCauseInUnderAMinute() throws Exception {
        TestEnv.requireSlurm();
        int port = TestEnv.sshPort();
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        long start = System.nanoTime();
        int code = doctor("--system", "slurm", "--ssh", TestEnv.sshUser() + "@127.0.0.1:" + port,
                "--scheduler-address", "127.0.0.1:" + closed,
                "--known-hosts", SshFixture.knownHostsTrusting(tmp, port).toString(), "-i", TestEnv.sshKey().toString());
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(seconds).isLessThan(60);
        assertThat(out.toString()).contains("OK    test job")
                .contains("FAIL  network         compute node ")
                .contains(" could not reach 127.0.0.1:" + closed + ": connection refused")
                .contains("came from scheduler-address")
                .endsWith("1 check(s) failed: network\n");
    }

    @Test
    void anUnknownInterfaceFailsTheNetworkCheckNamingTheInterfacesThereAre() {
        TestEnv.requireSlurm();
        int code = doctor("--system", "slurm", "--interface", "nosuch0");
        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(out.toString()).contains("FAIL  network         the probe listener on localhost could not start:"
                + " --interface: no network interface 'nosuch0' on this host; there are: ").contains("lo (127.0.0.1");
    }

    @Test
    void noNetworkSkipsTheProbeJob() {
        TestEnv.requireSlurm();
        assertThat(doctor("--system", "slurm", "--no-network")).isZero();
        assertThat(out.toString()).doesNotContain("network").endsWith("all checks passed\n");
    }

    @Test
    void theLocalSystemNeedsNoSsh() {
        assertThat(doctor("--system", "local")).isZero();
        assertThat(out.toString()).contains("OK    ssh").contains("OK    test job").endsWith("all checks passed\n");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        assertThat(doctor("--system", "lsf")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).isEqualTo("hpc-dask: invalid --system: 'lsf' is not one of slurm, pbs, local\n");
        StringWriter e2 = new StringWriter();
        assertThat(Main.run(CliContext.fromSystem(), new PrintWriter(new StringWriter()), new PrintWriter(e2), "doctor", "--ssh", "a b@c"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(e2.toString()).startsWith("hpc-dask: --ssh: 'a b@c' is not of the form [user@]host[:port]");
    }
}
