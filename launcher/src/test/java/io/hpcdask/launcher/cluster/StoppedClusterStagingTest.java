package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliInHome;
import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.server.api.RunView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guild's {@code --stage} habit on a real local cluster: runs submitted while it is stopped go into its store and start
 * at the next {@code cluster up}, also when that server starts while the runs are being written; {@code cluster list}
 * of a running and a stopped cluster.
 */
class StoppedClusterStagingTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;
    LocalClusterFixture clusters;

    @BeforeEach
    void setUp() {
        clusters = new LocalClusterFixture(home);
    }

    @AfterEach
    void tearDown() {
        clusters.close();
    }

    @Test
    void runsStagedIntoAStoppedClusterStartAtTheNextUp() {
        clusters.up("a", "--workers", "1");
        clusters.ok("cluster", "down", "--name", "a");
        CliRun.Result again = clusters.ok("cluster", "down", "--name", "a");
        assertThat(again.out()).isEqualTo("Cluster 'a' is already stopped\n");

        CliRun.Result staged = clusters.ok("submit", "run", "--name", "a", "sh", "-c", "echo staged $HPC_DASK_RUN_ID");
        String id = staged.out().strip();
        assertThat(staged.err()).isEqualTo("staged run " + id + " into stopped cluster 'a'; it will start at the next"
                + " 'hpc-dask cluster up --name a'\n");
        assertThat(clusters.ok("cluster", "list").out()).containsPattern("(?m)^a +local +stopped +- +- +staged=1$");

        clusters.up("a", "--workers", "1");
        List<RunView> ended = clusters.awaitEnded("a", List.of(id), LONG);
        assertThat(ended.get(0).state()).isEqualTo("completed");
        assertThat(clusters.ok("logs", "--name", "a", id).out()).isEqualTo("staged " + id + "\n");

        clusters.up("b", "--workers", "0");
        clusters.ok("cluster", "down", "--name", "b");
        assertThat(clusters.ok("cluster", "list").out().lines()).hasSize(3)
                .anySatisfy(l -> assertThat(l).matches("a +local +running +127\\.0\\.0\\.1:\\d+ +1 +completed=1"))
                .anySatisfy(l -> assertThat(l).matches("b +local +stopped +- +- +-"));
    }

    /**
     * A server starting while runs are being staged into its store: each submission is either committed before the
     * server reads the store or sent to its API, so every run is staged once, with its own id, and runs.
     */
    @Test
    void aServerStartingWhileRunsAreStagedTakesEachOnce() throws Exception {
        clusters.up("r", "--workers", "1");
        clusters.ok("cluster", "down", "--name", "r");
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        List<String> messages = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService stager = Executors.newSingleThreadExecutor();
        try {
            Future<?> staging = stager.submit(() -> {
                while (!stop.get()) {
                    CliRun.Result r = CliInHome.run(home, "submit", "run", "--name", "r", "true");
                    assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
                    ids.addAll(r.out().lines().toList());
                    messages.add(r.err());
                }
                return null;
            });
            while (ids.size() < 3) {
                Thread.sleep(20);
            }
            clusters.up("r", "--workers", "1");
            int atUp = ids.size();
            while (ids.size() < atUp + 3) {
                Thread.sleep(20);
            }
            stop.set(true);
            staging.get();
        } finally {
            stager.shutdownNow();
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("into stopped cluster 'r'"));
        assertThat(messages).anySatisfy(m -> assertThat(m).isEmpty()); // sent to the running server's API
        List<RunView> ended = clusters.awaitEnded("r", ids, LONG);
        assertThat(ended).hasSameSizeAs(ids).allSatisfy(r -> assertThat(r.state()).isEqualTo("completed"));
        assertThat(clusters.runs("r")).hasSameSizeAs(ids); // nothing staged that the submitter was not told of
    }
}
