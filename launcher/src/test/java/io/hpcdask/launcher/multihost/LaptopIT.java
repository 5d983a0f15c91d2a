package io.hpcdask.launcher.multihost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.multihost.MultiHost.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 8, Done-when 2 to 5, as a person on a laptop types it: the laptop reaches only login's sshd and nothing
 * reaches the laptop, so the scheduler server must run on login and every command must reach it over SSH. One
 * cluster serves the whole class, in order, as one working session would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LaptopIT {
    private static final String NAME = "lap";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Long> SERVERS = new ArrayList<>();
    private static WorldCli cli;
    private static long pid;

    @BeforeAll
    static void up() {
        MultiHost.requireWorld();
        cli = WorldCli.laptop();
        Result up = cli.ok("cluster", "up", "--name", NAME, "--system", "slurm", "--ssh", MultiHost.sshTarget(),
                "--cores", "1", "--memory", "500M", "--walltime", "00:10:00");
        assertThat(up.stdout()).contains("scheduler server on login", "workers dial " + MultiHost.loginClusterAddress() + ":");
        pid = WorldCli.serverPid(up);
        SERVERS.add(pid);
        assertThat(WorldCli.serverAlive(pid)).as("the server runs on login, pid %d", pid).isTrue();
    }

    @AfterAll
    static void cleanUp() {
        WorldCli.cleanUp(SERVERS);
    }

    /** Done-when 2. */
    @Test
    @Order(1)
    void workersOnComputeNodesRunWhatTheLaptopSubmits() {
        Result scale = cli.ok("scale", "2", "--name", NAME, "--wait", "--timeout", "3m");
        assertThat(scale.stdout() + scale.stderr()).contains("2 worker(s) connected");
        Result run = cli.ok("submit", "run", "--name", NAME, "--wait", "--", "hostname");
        assertThat(run.stdout()).containsPattern("(?m)^node[12]$");
        Set<String> hosts = workerHosts();
        assertThat(hosts).isNotEmpty().allMatch(h -> h.equals("node1") || h.equals("node2"));
        Result status = cli.ok("cluster", "status", "--name", NAME);
        assertThat(status.stdout()).contains("Server:     on " + MultiHost.clusterUser() + "@login",
                "Scheduler:  " + MultiHost.loginClusterAddress() + ":");
        System.out.println("Multi-host test ran: from the laptop, 2 workers on " + hosts + " ran hostname: "
                + run.stdout().strip().replace('\n', ' '));
    }

    /** Done-when 3: the laptop goes away for two minutes while a run goes on; it comes back to a finished run. */
    @Test
    @Order(2)
    void aRunGoesOnWhileTheLaptopIsAway() throws Exception {
        List<String> workersBefore = workerNames();
        String marker = MultiHost.home(MultiHost.clusterUser()) + "/ran-" + WorldCli.shortId() + ".txt";
        Result submitted = cli.ok("submit", "run", "--name", NAME, "--label", "away", "--shell", "--",
                "echo $HPC_DASK_RUN_ID >> " + marker + "; sleep 90; hostname");
        String id = submitted.stdout().strip();
        awaitState(id, "running", Duration.ofSeconds(60));
        MultiHost.laptopCut();
        try {
            assertThat(MultiHost.connect(MultiHost.Host.LAPTOP, MultiHost.loginPublicAddress(), 22).ok())
                    .as("the laptop's link is cut").isFalse();
            Thread.sleep(Duration.ofMinutes(2).toMillis());
        } finally {
            MultiHost.laptopRestore();
        }
        JsonNode run = awaitState(id, "completed", Duration.ofSeconds(60));
        assertThat(run.get("attempts").asInt()).as("attempts of run %s", id).isEqualTo(1);
        assertThat(cli.ok("logs", "--name", NAME, id).stdout()).containsPattern("(?m)^node[12]$");
        Result ran = MultiHost.onLogin(Duration.ofSeconds(30), "cat " + marker).assertOk();
        assertThat(ran.stdout().lines().toList()).as("the run executed exactly once").containsExactly(id);
        assertThat(workerNames()).as("no worker was lost").isEqualTo(workersBefore);
        System.out.println("Multi-host test ran: run " + id + " completed once on " + run.get("worker").asText()
                + " while the laptop was cut off for 2 minutes; workers " + workersBefore + " never lost");
    }

    /** Every command works from the laptop as on the login node; job output stays in the cluster's jobs directory. */
    @Test
    @Order(3)
    void printCancelAndFollowWorkFromTheLaptop() throws Exception {
        String hpcHome = MultiHost.home(MultiHost.clusterUser()).toString();
        Result script = cli.ok("print", "job-script", "--name", NAME);
        assertThat(script.stdout()).contains("--scheduler " + MultiHost.loginClusterAddress() + ":")
                .containsPattern("#SBATCH -o " + hpcHome + "/\\.hpc-dask/clusters/" + NAME + "-[0-9a-f]{8}/jobs/");

        String sleeper = cli.ok("submit", "run", "--name", NAME, "--", "sleep", "300").stdout().strip();
        awaitState(sleeper, "running", Duration.ofSeconds(60));
        cli.ok("cancel", "--name", NAME, sleeper);
        awaitState(sleeper, "terminated", Duration.ofSeconds(60));

        String talker = cli.ok("submit", "run", "--name", NAME, "--", "sh", "-c", "echo one; sleep 2; echo two; pwd").stdout().strip();
        Result followed = cli.ok("logs", "--name", NAME, "--follow", talker);
        assertThat(followed.stdout()).contains("one\ntwo\n" + hpcHome + "\n");

        Result strays = MultiHost.onLogin(Duration.ofSeconds(30), "ls ~ | grep -c '^slurm-' || true");
        assertThat(strays.stdout().strip()).as("slurm-N.out files in the home directory").isEqualTo("0");
        System.out.println("Multi-host test ran: print job-script, cancel and logs --follow from the laptop; runs start in "
                + hpcHome + "; job output in the cluster's jobs directory");
    }

    /** Done-when 5: doctor from the laptop proves a compute node reaches the address workers dial, or says why not. */
    @Test
    @Order(4)
    void doctorReportsWhetherComputeNodesReachTheScheduler() {
        Result ok = cli.run("doctor", "--system", "slurm", "--ssh", MultiHost.sshTarget(), "--cores", "1", "--memory", "500M");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.stdout()).containsPattern("OK +network +compute node node[12] reached "
                + MultiHost.loginClusterAddress().replace(".", "\\.") + ":\\d+ in \\d+ ms");

        long start = System.nanoTime();
        Result closed = cli.run("doctor", "--system", "slurm", "--ssh", MultiHost.sshTarget(), "--cores", "1", "--memory",
                "500M", "--scheduler-address", MultiHost.loginClusterAddress() + ":1");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(closed.exitCode()).as(closed.toString()).isEqualTo(1);
        assertThat(closed.stdout()).containsPattern("FAIL +network +compute node node[12] could not reach "
                + MultiHost.loginClusterAddress().replace(".", "\\.") + ":1: connection refused");
        assertThat(seconds).as("doctor fails in under a minute").isLessThan(60);
        System.out.println("Multi-host test ran: doctor from the laptop: " + line(ok.stdout(), "network") + " | "
                + line(closed.stdout(), "network") + " (" + seconds + " s)");
    }

    /** Done-when 4. */
    @Test
    @Order(5)
    void clusterDownLeavesNoJobAndNoServer() {
        cli.ok("cluster", "down", "--name", NAME);
        assertThat(MultiHost.squeue(MultiHost.clusterUser())).as("jobs of %s", MultiHost.clusterUser()).isEmpty();
        assertThat(WorldCli.serverAlive(pid)).as("server pid %d on login", pid).isFalse();
        Result after = cli.run("runs", "--name", NAME);
        assertThat(after.exitCode()).isEqualTo(3);
        assertThat(after.stderr()).contains("no cluster '" + NAME + "' is running on " + MultiHost.clusterUser() + "@login");
        System.out.println("Multi-host test ran: cluster down from the laptop left no job and no server on login");
    }

    private static JsonNode awaitState(String id, String state, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode r : JSON.readTree(cli.ok("runs", "--name", NAME, "--output", "json").stdout()).get("runs")) {
                if (r.get("id").asText().equals(id)) {
                    last = r;
                }
            }
            if (last != null && state.equals(last.get("state").asText())) {
                return last;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("run " + id + " not " + state + " within " + limit + "; last seen: " + last);
    }

    private static List<String> workerNames() {
        return cli.ok("workers", "--name", NAME).stdout().lines().skip(1).map(l -> l.split("\\s+")[0]).sorted().toList();
    }

    private static Set<String> workerHosts() {
        Set<String> hosts = new TreeSet<>();
        cli.ok("workers", "--name", NAME).stdout().lines().skip(1).forEach(l -> hosts.add(l.split("\\s+")[2]));
        return hosts;
    }

    private static String line(String out, String word) {
        return out.lines().filter(l -> l.matches("(OK|FAIL) +" + word + " .*")).findFirst().orElse("").strip();
    }
}
