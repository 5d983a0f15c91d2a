package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliInHome;
import io.hpcdask.launcher.cli.CliRun;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster up --foreground} stays attached until the cluster stops, then returns 0. */
class ForegroundClusterTest {
    @TempDir
    Path home;

    @Test
    void staysAttachedUntilClusterDown() throws Exception {
        try (LocalClusterFixture clusters = new LocalClusterFixture(home)) {
            clusters.track("fg");
            StringWriter upOut = new StringWriter();
            CompletableFuture<CliRun.Result> up = CompletableFuture.supplyAsync(() -> CliInHome.run(home, upOut,
                    new StringWriter(), "cluster", "up", "--name", "fg", "--system", "local", "--workers", "1", "--foreground"));
            // the command's own word that the cluster is up: its worker listed by the server is not enough, since a
            // cluster stopped before the command's next look at its workers is one that stopped while starting
            Awaitility.await().atMost(Duration.ofSeconds(120))
                    .until(() -> upOut.toString().contains("Cluster 'fg' is up") || up.isDone());
            assertThat(up).isNotDone();
            clusters.ok("submit", "run", "--name", "fg", "--wait", "--", "echo", "attached");
            clusters.ok("cluster", "down", "--name", "fg");
            CliRun.Result r = up.get(60, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
            assertThat(r.out()).contains("Cluster 'fg' is up");
        }
    }
}
