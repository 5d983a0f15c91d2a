package io.hpcdask.launcher.multihost;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.multihost.MultiHost.Result;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, Done-when 0 and 1: on the login node, as its user types them, with no --system, --ssh,
 * --scheduler-address or --interface. Compute nodes must dial the login node's cluster address, never loopback.
 */
class LoginNodeIT {
    private static final String GPU_CONFIG = """
            profiles:
              gpu:
                cores: 1
                memory: 1G
                resources: gpu=1
            """;
    private final List<Long> servers = new ArrayList<>();

    @BeforeEach
    void world() {
        MultiHost.requireWorld();
    }

    @AfterEach
    void cleanUp() {
        WorldCli.cleanUp(servers);
    }

    /** Done-when 0: the mission's four commands, as typed. */
    @Test
    void theMissionsCommandsWorkAsTyped() {
        WorldCli cli = WorldCli.login(GPU_CONFIG);
        Result up = cli.ok("cluster", "up", "--cores", "2", "--memory", "8G", "--walltime", "00:30:00");
        assertThat(up.stdout().lines().findFirst().orElse("")).startsWith("Using slurm: sbatch found on");
        assertThat(up.stdout()).contains("workers dial " + MultiHost.loginClusterAddress() + ":");
        servers.add(WorldCli.serverPid(up));

        Result script = cli.ok("print", "job-script");
        assertThat(script.stdout()).contains("#SBATCH --cpus-per-task=2\n", "#SBATCH --mem=8G\n", "#SBATCH -t 00:30:00\n",
                "--scheduler " + MultiHost.loginClusterAddress() + ":");

        cli.ok("scale", "8", "--wait", "--timeout", "5m");
        List<String> workers = cli.ok("workers").stdout().lines().skip(1).toList();
        assertThat(workers).hasSize(8).allMatch(l -> l.matches("\\S+\\s+default\\s+node[12]\\s.*"));

        // The eight workers fill both nodes; the GPU pool gets room once they are gone.
        cli.ok("scale", "0", "--wait", "--timeout", "3m");
        cli.ok("scale", "1", "--profile", "gpu", "--wait", "--timeout", "3m");
        Result gpu = cli.ok("submit", "run", "--tag", "dask:gpu=1", "--wait", "--", "sh", "-c", "hostname; echo $CUDA_VISIBLE_DEVICES");
        assertThat(gpu.stdout()).containsPattern("(?m)^node[12]\\n0$");
        cli.ok("cluster", "down");
        System.out.println("Multi-host test ran: on login without --system: 8 workers on " + nodes(workers)
                + ", the gpu run printed " + gpu.stdout().strip().replace('\n', ' '));
    }

    /** Done-when 1. */
    @Test
    void workersDialTheLoginNodeWithoutAnyAddressGiven() {
        WorldCli cli = WorldCli.login(null);
        Result up = cli.ok("cluster", "up", "--system", "slurm", "--cores", "1", "--memory", "500M", "--walltime", "00:10:00");
        servers.add(WorldCli.serverPid(up));
        cli.ok("scale", "2", "--wait", "--timeout", "3m");
        Result run = cli.ok("submit", "run", "--wait", "--", "hostname");
        assertThat(run.stdout()).containsPattern("(?m)^node[12]$");
        assertThat(cli.ok("cluster", "status").stdout()).contains("Scheduler:  " + MultiHost.loginClusterAddress() + ":");
        cli.ok("cluster", "down");
        System.out.println("Multi-host test ran: on login, workers dialled " + MultiHost.loginClusterAddress()
                + " by themselves; hostname printed " + run.stdout().strip().replace('\n', ' '));
    }

    private static String nodes(List<String> workers) {
        return workers.stream().map(l -> l.split("\\s+")[2]).sorted().distinct().toList().toString();
    }
}
