package io.hpcdask.launcher.multihost;

import static io.hpcdask.launcher.multihost.MultiHost.Host.LAPTOP;
import static io.hpcdask.launcher.multihost.MultiHost.Host.LOGIN;
import static io.hpcdask.launcher.multihost.MultiHost.Host.NODE1;
import static io.hpcdask.launcher.multihost.MultiHost.Host.NODE2;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.multihost.MultiHost.Host;
import io.hpcdask.launcher.multihost.MultiHost.Result;
import io.hpcdask.launcher.multihost.MultiHost.Running;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The multi-host world has the shape of a real site, proven with real traffic: the laptop reaches only login's
 * sshd, nothing reaches the laptop, compute nodes reach login on the cluster network only, and the second SLURM
 * runs a job on each node. The other multi-host tests build on these facts.
 */
class MultiHostWorldIT {
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final ConcurrentLinkedQueue<String> PROVEN = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void world() {
        MultiHost.requireWorld();
    }

    @AfterAll
    static void report() {
        if (!PROVEN.isEmpty()) {
            System.out.println("Multi-host world test ran: " + String.join("; ", PROVEN));
        }
    }

    @Test
    void laptopLogsInToLoginBySshAsTheClusterUser() {
        Result r = MultiHost.asLaptop(SHORT, "ssh -o BatchMode=yes " + MultiHost.sshTarget() + " 'hostname; id -un'")
                .assertOk();
        assertThat(r.stdout().lines().toList()).containsExactly("login", MultiHost.clusterUser());
        PROVEN.add("laptop ssh " + MultiHost.sshTarget() + " lands on login");
    }

    @Test
    void laptopReachesOnlyLoginPort22() {
        assertThat(MultiHost.connect(LAPTOP, MultiHost.loginPublicAddress(), 22).stdout()).contains("connected");
        assertUnreachable(LAPTOP, MultiHost.loginPublicAddress(), 6817);
        assertUnreachable(LAPTOP, MultiHost.loginClusterAddress(), 22);
        assertUnreachable(LAPTOP, MultiHost.nodeAddress(NODE1), 6818);
        assertUnreachable(LAPTOP, MultiHost.nodeAddress(NODE2), 22);
        PROVEN.add("laptop reaches login:22 and nothing else");
    }

    @Test
    void nothingReachesTheLaptop() {
        // A local forward bound on all the laptop's addresses: a listener the laptop itself can use...
        int port = 23456;
        try (Running forward = MultiHost.startAsLaptop(Map.of(), "exec ssh -N -o BatchMode=yes -o ExitOnForwardFailure=yes"
                + " -L 0.0.0.0:" + port + ":127.0.0.1:22 " + MultiHost.sshTarget())) {
            awaitListening(forward, port);
            // ...that neither login nor a compute node can reach.
            assertUnreachable(LOGIN, MultiHost.laptopAddress(), port);
            assertUnreachable(NODE1, MultiHost.laptopAddress(), port);
        }
        PROVEN.add("login and node1 cannot reach a listener on the laptop");
    }

    @Test
    void computeNodesReachLoginOnTheClusterNetworkOnly() {
        for (Host node : List.of(NODE1, NODE2)) {
            assertThat(MultiHost.connect(node, MultiHost.loginClusterAddress(), 6817).stdout())
                    .as("%s -> login:6817 (slurmctld)", node).contains("connected");
            assertThat(MultiHost.connect(node, MultiHost.loginClusterAddress(), 22).stdout())
                    .as("%s -> login:22", node).contains("connected");
            assertUnreachable(node, MultiHost.loginPublicAddress(), 22);
        }
        assertThat(MultiHost.connect(NODE1, MultiHost.nodeAddress(NODE2), 6818).stdout()).contains("connected");
        PROVEN.add("node1 and node2 reach login on " + MultiHost.loginClusterAddress() + ", not its public address");
    }

    @Test
    void aSlurmJobRunsOnEachNode() {
        // From login's shell...
        Result onLogin = MultiHost.onLogin(Duration.ofSeconds(120), jobPrintingHostname("node1")).assertOk();
        assertThat(onLogin.stdout().strip()).isEqualTo("node1");
        // ...and from the laptop through the login shell over SSH, as a person would.
        // ssh hands its arguments, joined, to the remote shell: the script is quoted once for it, once for bash -lc.
        Result viaSsh = MultiHost.asLaptop(Duration.ofSeconds(120), "ssh -o BatchMode=yes " + MultiHost.sshTarget()
                + " " + quote("bash -lc " + quote(jobPrintingHostname("node2")))).assertOk();
        assertThat(viaSsh.stdout().strip()).isEqualTo("node2");
        assertThat(MultiHost.squeue(MultiHost.clusterUser())).noneMatch(line -> line.contains("mh-world-it"));
        PROVEN.add("sbatch -w node1 printed node1, over ssh sbatch -w node2 printed node2");
    }

    @Test
    void cuttingTheLaptopsLinkStopsItsTrafficUntilRestored() {
        try {
            MultiHost.laptopCut();
            assertUnreachable(LAPTOP, MultiHost.loginPublicAddress(), 22);
        } finally {
            MultiHost.laptopRestore();
        }
        assertThat(MultiHost.connect(LAPTOP, MultiHost.loginPublicAddress(), 22).stdout()).contains("connected");
        PROVEN.add("laptopCut stops the laptop reaching login:22, laptopRestore brings it back");
    }

    @Test
    void theCliJarCopyRunsAsTheLaptopUser() {
        Result r = MultiHost.asLaptop(Duration.ofSeconds(60), MultiHost.cli() + " --help").assertOk();
        assertThat(r.stdout() + r.stderr()).contains("hpc-dask");
        PROVEN.add("hpc-dask.jar runs as " + MultiHost.laptopUser());
    }

    @Test
    void aTimeoutKillsTheCommandsProcessGroup() {
        long start = System.nanoTime();
        // Odd durations mark these sleeps among everything else running on this machine.
        Result r = MultiHost.onLogin(Duration.ofSeconds(2), "sleep 987.1 & sleep 987.2; echo never");
        assertThat(r.timedOut()).isTrue();
        assertThat(r.stdout()).doesNotContain("never");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String left;
        do {
            left = MultiHost.asRoot(LOGIN, SHORT, "bash", "-c", "for f in /proc/[0-9]*/cmdline; do"
                    + " tr '\\0' ' ' <$f 2>/dev/null; echo; done").stdout();
        } while (left.contains("sleep 987.") && System.nanoTime() < deadline);
        assertThat(left).doesNotContain("sleep 987.1").doesNotContain("sleep 987.2");
        PROVEN.add("a timed-out command's process group is killed");
    }

    private static String jobPrintingHostname(String node) {
        String out = "$HOME/.mh-world-it-" + node + ".out";
        return "set -e; rm -f " + out + "; sbatch --wait -Q -J mh-world-it -w " + node + " -t 2 -o " + out
                + " --wrap hostname >/dev/null; cat " + out + "; rm -f " + out;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void assertUnreachable(Host from, String address, int port) {
        Result r = MultiHost.connect(from, address, port);
        assertThat(r.ok()).as("%s must not reach %s:%d, but: %s", from, address, port, r).isFalse();
        assertThat(r.stdout()).doesNotContain("connected");
    }

    private static void awaitListening(Running forward, int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!MultiHost.connect(LAPTOP, MultiHost.laptopAddress(), port).ok()) {
            assertThat(forward.isAlive()).as("ssh -L on the laptop exited: %s", forward.stderrSoFar()).isTrue();
            assertThat(System.nanoTime()).as("ssh -L on the laptop never listened on %d", port).isLessThan(deadline);
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
