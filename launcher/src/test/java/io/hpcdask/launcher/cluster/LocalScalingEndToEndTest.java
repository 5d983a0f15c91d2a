package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliRun;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local cluster scales too: scale N and adapt start and stop real worker processes. */
class LocalScalingEndToEndTest {
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

    private int workers() {
        String status = clusters.ok("cluster", "status").out();
        return Integer.parseInt(status.lines().filter(l -> l.startsWith("Workers:")).findFirst().orElseThrow()
                .substring("Workers:".length()).trim());
    }

    @Test
    void scaleStartsAndStopsLocalWorkerProcesses() {
        clusters.up("default", "--system", "local", "--workers", "1", "--cores", "1");
        Awaitility.await().atMost(LONG).until(() -> workers() == 1);
        CliRun.Result up = clusters.ok("scale", "3", "--wait", "--timeout", "100");
        assertThat(up.out()).contains("Submitted 2 job(s) of profile local").contains("3 worker(s) connected");
        clusters.ok("scale", "0");
        Awaitility.await().atMost(LONG).until(() -> workers() == 0);
    }

    @Test
    void adaptStartsWorkersForStagedRunsAndStopsThemWhenIdle() {
        clusters.up("default", "--system", "local", "--workers", "0", "--cores", "1");
        CliRun.Result adapt = clusters.ok("adapt", "--max", "2", "--idle-timeout", "2s");
        assertThat(adapt.out()).contains("Profile local adapts to demand: 0-2 workers, idle-timeout 2s");
        assertThat(clusters.ok("cluster", "status").out()).contains("adapts 0-2 workers, idle-timeout 2s");
        CliRun.Result runs = clusters.ok("submit", "run", "--array", "1-4", "--wait", "--", "sleep", "1");
        assertThat(runs.exitCode()).isZero();
        Awaitility.await().atMost(LONG).until(() -> workers() == 0);
        CliRun.Result scaled = clusters.ok("scale", "1");
        assertThat(scaled.out()).contains("Profile local no longer adapts to demand");
    }

    @Test
    void aRunNoWorkerOrProfileCanTakeIsToldAtOnce() {
        clusters.up("default", "--system", "local", "--workers", "0", "--cores", "1");
        CliRun.Result r = clusters.ok("submit", "run", "--tag", "dask:gpu=1", "--", "true");
        assertThat(r.err()).containsPattern("run \\d+ cannot start: no worker or profile offers gpu \\(profiles: local\\)");
    }
}
