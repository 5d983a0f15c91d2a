package io.hpcdask.launcher.multihost;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.multihost.MultiHost.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, Done-when 6: two clients (two HPC_DASK_HOMEs on the laptop, as two laptops of one person would be) each
 * start a cluster of the same name on the same login node. Each cluster gets its own id, so their token files, server
 * state and job output never meet, and both clusters' runs complete.
 */
class TwoLaptopsIT {
    private static final Pattern CLUSTER_ID = Pattern.compile("cluster id (\\S+),");
    private static final List<Long> SERVERS = new ArrayList<>();

    @BeforeAll
    static void world() {
        MultiHost.requireWorld();
    }

    @AfterAll
    static void cleanUp() {
        WorldCli.cleanUp(SERVERS);
    }

    @Test
    void twoClustersOfTheSameNameOnOneLoginNodeBothRun() {
        WorldCli first = WorldCli.laptop();
        WorldCli second = WorldCli.laptop();
        for (WorldCli cli : List.of(first, second)) {
            Result up = cli.ok("cluster", "up", "--name", "same", "--system", "slurm", "--ssh", MultiHost.sshTarget(),
                    "--cores", "1", "--memory", "500M", "--walltime", "00:10:00");
            SERVERS.add(WorldCli.serverPid(up));
        }
        assertThat(SERVERS.get(0)).isNotEqualTo(SERVERS.get(1));
        String firstId = clusterId(first);
        String secondId = clusterId(second);
        assertThat(firstId).startsWith("same-").isNotEqualTo(secondId);

        for (WorldCli cli : List.of(first, second)) {
            cli.ok("scale", "1", "--name", "same", "--wait", "--timeout", "3m");
        }
        // Both runs are submitted before either is awaited, so both clusters' workers serve at the same time.
        String a = first.ok("submit", "run", "--name", "same", "--", "sh", "-c", "echo first on $(hostname)").stdout().strip();
        String b = second.ok("submit", "run", "--name", "same", "--", "sh", "-c", "echo second on $(hostname)").stdout().strip();
        Result doneA = first.ok("submit", "run", "--name", "same", "--wait", "--", "true");
        Result doneB = second.ok("submit", "run", "--name", "same", "--wait", "--", "true");
        assertThat(doneA.exitCode()).isZero();
        assertThat(doneB.exitCode()).isZero();
        assertThat(first.ok("logs", "--name", "same", a).stdout()).containsPattern("first on node[12]");
        assertThat(second.ok("logs", "--name", "same", b).stdout()).containsPattern("second on node[12]");
        Result tokens = MultiHost.onLogin(java.time.Duration.ofSeconds(30), "ls ~/.hpc-dask/secrets/").assertOk();
        assertThat(tokens.stdout()).contains("cluster-" + firstId + ".token", "cluster-" + secondId + ".token");

        for (WorldCli cli : List.of(first, second)) {
            cli.ok("cluster", "down", "--name", "same");
        }
        System.out.println("Multi-host test ran: two clusters named 'same' (" + firstId + ", " + secondId
                + ") on one login node both completed their runs");
    }

    private static String clusterId(WorldCli cli) {
        Matcher m = CLUSTER_ID.matcher(cli.ok("cluster", "status", "--name", "same").stdout());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
