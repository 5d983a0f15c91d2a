package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliInHome;
import io.hpcdask.launcher.cli.CliRun;
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
            CompletableFuture<CliRun.Result> up = CompletableFuture.supplyAsync(
                    () -> CliInHome.run(home, "cluster", "up", "--name", "fg", "--system", "local", "--workers", "1", "--foreground"));
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> clusters.dir("fg").readAccess().isPresent()
                    && clusters.cli("workers", "--name", "fg").out().contains("local-"));
            assertThat(up).isNotDone();
            clusters.ok("submit", "run", "--name", "fg", "--wait", "--", "echo", "attached");
            clusters.ok("cluster", "down", "--name", "fg");
            CliRun.Result r = up.get(60, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
            assertThat(r.out()).contains("Cluster 'fg' is up");
        }
    }
}
