package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, row 8, on a real local cluster: the run-log directory made unusable while the cluster runs (replaced by a
 * regular file, since root ignores permission bits; or one run's log path taken by a directory). The run that cannot get
 * a log ends in error with the reason shown by {@code runs}; the worker's only slot comes back, so the next runs
 * complete.
 */
class RunLogFailureTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;

    @Test
    void aRunWhoseLogCannotBeCreatedFailsWithItsReasonAndTheNextRunsComplete() throws Exception {
        try (LocalClusterFixture clusters = new LocalClusterFixture(home)) {
            clusters.up("f", "--workers", "1", "--slots", "1");
            ClusterDir dir = clusters.dir("f");
            String first = clusters.submit("f", "--wait", "--", "echo", "first").get(0);
            assertThat(first).isEqualTo("1");

            // the runs directory becomes a regular file: the log of run 2 cannot be created
            Path runs = dir.runLogs();
            Path saved = runs.resolveSibling("runs.saved");
            Files.move(runs, saved);
            Files.writeString(runs, "in the way\n");
            String broken = clusters.submit("f", "--", "echo", "never").get(0);
            RunView failed = clusters.awaitEnded("f", List.of(broken), LONG).get(0);
            assertThat(failed.state()).isEqualTo("error");
            assertThat(failed.reason()).isEqualTo("cannot create the log of run 2 (" + runs.resolve("2.log")
                    + "): Not a directory");
            assertThat(clusters.ok("runs", "--name", "f").out())
                    .containsPattern("\\n2 .* error .*cannot create the log of run 2 \\(.*\\): Not a directory");

            // back, but run 4's log path is taken by a directory: 3 and 5 complete on the one slot, 4 fails
            Files.delete(runs);
            Files.move(saved, runs);
            Files.createDirectory(runs.resolve("4.log"));
            List<String> next = clusters.submit("f", "--array", "1-3", "--", "sh", "-c", "echo ok $HPC_DASK_RUN_ID");
            assertThat(next).containsExactly("3", "4", "5");
            List<RunView> ended = clusters.awaitEnded("f", next, LONG);
            assertThat(ended).extracting(RunView::state).containsExactly("completed", "error", "completed");
            assertThat(ended.get(1).reason()).endsWith("4.log): a directory is in the way");
            assertThat(runs.resolve("5.log")).hasContent("ok 5");
            assertThat(clusters.serverLog("f")).contains("Run 2 failed: cannot create the log of run 2")
                    .doesNotContain("Scheduler event failed");
            clusters.ok("cluster", "down", "--name", "f");
        }
    }
}
