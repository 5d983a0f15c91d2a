package io.hpcdask.launcher.multihost;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.multihost.MultiHost.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code hpc-dask dashboard} in remote mode: the server runs on login, the laptop reaches only login's sshd, so the
 * command forwards a laptop port over SSH, prints a link to it and holds the forward until Ctrl-C (exit 0). The
 * forwarded page answers the link (a cookie, then the page) and refuses a request without it.
 */
class DashboardLaptopIT {
    private static final Pattern LINK = Pattern.compile("(http://127\\.0\\.0\\.1:(\\d+))(/login\\?code=[A-Za-z0-9_-]+)");
    private final List<Long> servers = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        WorldCli.cleanUp(servers);
    }

    @Test
    void theDashboardIsForwardedToTheLaptopUntilCtrlC() throws Exception {
        MultiHost.requireWorld();
        WorldCli cli = WorldCli.laptop();
        Result up = cli.ok("cluster", "up", "--name", "dash", "--system", "slurm", "--ssh", MultiHost.sshTarget(),
                "--cores", "1", "--memory", "500M", "--walltime", "00:10:00");
        servers.add(WorldCli.serverPid(up));
        assertThat(up.stdout()).contains("Dashboard: on login; 'hpc-dask dashboard --name dash' forwards a local port");

        int port = 20000 + (int) (ProcessHandle.current().pid() % 20000);
        try (MultiHost.Running dashboard = cli.startOnLaptop("dashboard", "--name", "dash", "--no-browser",
                "--port", Integer.toString(port))) {
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> dashboard.stdoutSoFar().contains("press Ctrl-C to stop") || !dashboard.isAlive());
            String printed = dashboard.stdoutSoFar();
            Matcher m = LINK.matcher(printed);
            assertThat(m.find()).as(printed + dashboard.stderrSoFar()).isTrue();
            assertThat(m.group(2)).isEqualTo(Integer.toString(port));
            String base = m.group(1);

            Result refused = MultiHost.asLaptop(Duration.ofSeconds(60),
                    "curl -s -o /dev/null -w '%{http_code}' " + base + "/");
            assertThat(refused.stdout()).as(refused.toString()).isEqualTo("401");
            Result page = MultiHost.asLaptop(Duration.ofSeconds(60), "jar=$(mktemp) && curl -s -L -c \"$jar\" -b \"$jar\" '"
                    + base + m.group(3) + "' ; rm -f \"$jar\"");
            assertThat(page.stdout()).as(page.toString()).contains("data-testid=\"count-staged\"");

            new ProcessBuilder("kill", "-INT", Long.toString(dashboard.pid())).start().waitFor(10, TimeUnit.SECONDS);
            Result ended = dashboard.await(Duration.ofSeconds(60));
            assertThat(ended.exitCode()).as(ended.toString()).isZero();
            assertThat(ended.stdout()).contains("Stopped forwarding 127.0.0.1:" + port);
        }
        Result after = MultiHost.asLaptop(Duration.ofSeconds(60), "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:" + port + "/");
        assertThat(after.stdout()).as("the forward ended with the command").isEqualTo("000");
    }
}
