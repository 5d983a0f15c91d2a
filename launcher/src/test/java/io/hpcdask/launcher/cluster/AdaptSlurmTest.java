package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.launcher.cli.CliRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adaptive scaling on the real one-node SLURM: no runs, no jobs; 8 staged runs on 1-core workers bring max 4
 * workers and no more; once they end, the jobs go within idle-timeout and a poll; gpu runs start gpu workers only.
 */
class AdaptSlurmTest {
    /** idle-timeout 10 s, a poll of 15 s, and SLURM's own time to drop a cancelled job from squeue. */
    private static final Duration BACK_TO_ZERO = Duration.ofSeconds(10 + 15 + 20);
    private static final Duration LONG = Duration.ofSeconds(240);

    @TempDir
    Path home;
    private final List<String> clusters = new ArrayList<>();
    private SlurmOverSsh slurm;

    @BeforeEach
    void slurmOverSsh() throws Exception {
        slurm = new SlurmOverSsh(home, "hpcdask-adapt-", """
                cores: 1
                memory: 200M
                walltime: "00:10:00"
                profiles:
                  cpu: {}
                  gpu:
                    resources: gpu=1
                    adapt: {min: 0, max: 2, idle-timeout: 10s}
                """);
    }

    @AfterEach
    void down() throws Exception {
        if (slurm == null) {
            return;
        }
        for (String name : clusters) {
            slurm.cli("cluster", "down", "--name", name);
        }
        slurm.cancelLeftovers();
    }

    private void up(String name, String profile) {
        List<String> args = new ArrayList<>(List.of("cluster", "up", "--name", name, "--profile", profile));
        args.addAll(slurm.sshArgs);
        clusters.add(name);
        slurm.ok(args.toArray(String[]::new));
    }

    /** The completed runs' ids, one per line in quiet mode. */
    private long completed(String name) {
        return slurm.ok("runs", "--name", name, "--state", "completed", "--last", "0", "-o", "quiet").out().lines()
                .filter(l -> !l.isBlank()).count();
    }

    @Test
    void eightRunsBringFourWorkersThatGoOnceTheRunsEnd() throws Exception {
        up("adapt", "cpu");
        CliRun.Result adapted = slurm.ok("adapt", "--name", "adapt", "--profile", "cpu", "--min", "0", "--max", "4",
                "--idle-timeout", "10s");
        assertThat(adapted.out()).contains("Profile cpu adapts to demand: 0-4 workers, idle-timeout 10s");
        Thread.sleep(5_000);
        assertThat(slurm.squeue()).as("no runs: no jobs").isEmpty();
        assertThat(slurm.ok("cluster", "status", "--name", "adapt").out()).contains("adapts 0-4 workers, idle-timeout 10s");

        slurm.ok("submit", "run", "--name", "adapt", "--array", "1-8", "--", "sleep", "20");
        AtomicInteger most = new AtomicInteger();
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> {
            most.accumulateAndGet(slurm.squeue().size(), Math::max);
            return completed("adapt") == 8;
        });
        assertThat(most.get()).as("jobs at the peak: 8 runs on 1-core workers, max 4").isEqualTo(4);
        long ended = System.nanoTime();
        await().atMost(BACK_TO_ZERO).pollInterval(Duration.ofSeconds(1)).until(() -> slurm.squeue().isEmpty());
        System.out.println("SLURM-backed test ran: 8 runs on " + most.get() + " adaptive workers; jobs gone "
                + Duration.ofNanos(System.nanoTime() - ended).toSeconds() + " s after the last run");
    }

    @Test
    void gpuRunsStartGpuWorkersOnlyFromTheConfigsAdaptBlock() throws Exception {
        up("mixed", "cpu");
        slurm.ok("adapt", "--name", "mixed", "--profile", "cpu", "--max", "4", "--idle-timeout", "10s");
        slurm.ok("submit", "run", "--name", "mixed", "--tag", "dask:gpu=1", "--array", "1-2", "--", "sleep", "5");
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() ->
                completed("mixed") == 2);
        String status = slurm.ok("cluster", "status", "--name", "mixed").out();
        assertThat(status).contains("Profile cpu: target 0, 0 pending, 0 running, 0 connected")
                .contains("adapts 0-2 workers, idle-timeout 10s");
        assertThat(status.lines().filter(l -> l.matches("\\S+ +cpu .*"))).as("no job of profile cpu:%n%s", status).isEmpty();
        System.out.println("SLURM-backed test ran: gpu runs on gpu workers only:\n" + status);
    }
}
