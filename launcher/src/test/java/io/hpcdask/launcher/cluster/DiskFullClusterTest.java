package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliInHome;
import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.server.api.RunView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, row 2, on a real local cluster whose directory (database, run logs, server log) is a small tmpfs that fills
 * up while a run is running, then frees. While full: a submission is refused with 503 and exit 1 and nothing of it is
 * stored, {@code cluster status} says degraded, the run that ends meanwhile is shown completed. Once space returns the
 * server recovers by itself: the run is recorded completed (and does not run again), its output is kept, and new runs
 * get fresh ids.
 */
class DiskFullClusterTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;
    @TempDir
    Path outside;

    @Test
    void aFullDiskRefusesSubmissionsLosesNothingAndRecoversByItself() throws Exception {
        Path clusterDir = new ClusterHome(home).cluster("full").path();
        Path go = outside.resolve("go");
        Path executions = outside.resolve("executions"); // each execution of the run appends its id
        try (Tmpfs fs = Tmpfs.mount(clusterDir, 32);
             LocalClusterFixture clusters = new LocalClusterFixture(home)) {
            clusters.up("full", "--workers", "1", "--slots", "2");
            ClusterDir dir = clusters.dir("full");
            String script = "echo output-before-the-outage; while [ ! -e " + go + " ]; do sleep 0.1; done;"
                    + " echo $HPC_DASK_RUN_ID >> " + executions;
            String longRun = clusters.submit("full", "--shell", "--", script).get(0);
            assertThat(longRun).isEqualTo("1");
            Path log = dir.runLogs().resolve(longRun + ".log");
            Awaitility.await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() ->
                    clusters.run("full", longRun).state().equals("running") && Files.exists(log)
                            && Files.readString(log).contains("output-before-the-outage"));

            fs.fill();
            CliRun.Result refused = clusters.cli("submit", "run", "--name", "full", "--", "echo", "never");
            assertThat(refused.exitCode()).as(CliInHome.describe(refused)).isEqualTo(1);
            assertThat(refused.out()).isEmpty();
            assertThat(refused.err()).contains("degraded: store unavailable: ").contains("full").contains("HTTP 503");
            assertThat(clusters.ok("cluster", "status", "--name", "full").out())
                    .containsPattern("Store: +degraded: store unavailable: .*full");

            // the run ends during the outage: shown completed at once, kept until it can be written
            Files.createFile(go);
            Awaitility.await().atMost(LONG).pollInterval(Duration.ofMillis(200))
                    .until(() -> clusters.run("full", longRun).state().equals("completed"));
            assertThat(clusters.cli("submit", "run", "--name", "full", "--", "echo", "never").exitCode()).isEqualTo(1);
            assertThat(clusters.ok("cluster", "status", "--name", "full").out()).contains("degraded: store unavailable");

            fs.free();
            Awaitility.await().atMost(LONG).pollInterval(Duration.ofMillis(250)).until(() ->
                    !clusters.ok("cluster", "status", "--name", "full").out().contains("degraded"));
            List<String> fresh = clusters.submit("full", "--", "echo", "after");
            assertThat(fresh).containsExactly("2"); // nothing of the refused submissions took an id or was stored
            clusters.awaitEnded("full", fresh, LONG);
            List<RunView> runs = clusters.runs("full");
            assertThat(runs).extracting(RunView::id).containsExactly("1", "2");
            assertThat(runs).extracting(RunView::state).containsExactly("completed", "completed");
            assertThat(runs.get(0).exitCode()).isZero();
            assertThat(log).content().contains("output-before-the-outage");
            assertThat(clusters.serverLog("full")).contains("works again");

            // on disk, not only in the server's memory: read with the server gone
            clusters.ok("cluster", "down", "--name", "full");
            List<RunView> offline = clusters.runs("full");
            assertThat(offline).extracting(RunView::state).containsExactly("completed", "completed");
            assertThat(Files.readAllLines(executions)).containsExactly(longRun); // it ran once
        }
    }
}
