package io.hpcdask.launcher.cluster;

import io.hpcdask.launcher.server.ClusterIdentity;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows 9 to 11 of issue 9 on a real local cluster: at most one live copy of a run across a frozen worker (SIGSTOP
 * past its lease), a worker killed with SIGKILL, and a server killed with SIGKILL then brought up again.
 *
 * <p>Every run takes an exclusive, non-blocking lock on a file of its own for as long as it lives (the lock fd is
 * inherited by its children): a second live copy cannot take it and says so in {@code overlaps}. Each run appends its
 * id to {@code started} when it starts and to {@code done} when it ends; the lines are counted.
 */
class OneLiveCopyTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;
    LocalClusterFixture clusters;
    Path marks;

    @BeforeEach
    void setUp() throws IOException {
        clusters = new LocalClusterFixture(home);
        marks = Files.createDirectories(home.resolve("marks"));
    }

    @AfterEach
    void tearDown() {
        clusters.close();
    }

    /** A run that holds its lock while it sleeps {@code seconds}, writing its pid first. */
    private String script(int seconds) {
        String d = marks.toString();
        return "exec 9>>'" + d + "'/$HPC_DASK_RUN_ID.lock; flock -n 9 || echo $HPC_DASK_RUN_ID >> '" + d + "'/overlaps;"
                + " echo $$ > '" + d + "'/$HPC_DASK_RUN_ID.pid; echo $HPC_DASK_RUN_ID >> '" + d + "'/started;"
                + " sleep " + seconds + "; echo $HPC_DASK_RUN_ID >> '" + d + "'/done";
    }

    private Map<String, Long> count(String file) throws IOException {
        Path p = marks.resolve(file);
        if (!Files.exists(p)) {
            return Map.of();
        }
        return Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private long workerPid(String cluster, String worker) throws IOException {
        return Long.parseLong(Files.readString(clusters.dir(cluster).workersDir().resolve(worker + ".pid")).strip());
    }

    /** Alive and not a zombie (a killed child of a frozen worker stays a zombie until the worker reaps it). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }

    @Test
    void aWorkerFrozenPastItsLeaseLeavesOneCopyAndTheRunCompletesOnce() throws Exception {
        clusters.up("stop", "--workers", "2", "--slots", "1", "--heartbeat-interval", "1", "--lease", "4");
        String id = clusters.submit("stop", "--shell", "--", script(8)).get(0);
        Awaitility.await().atMost(LONG).until(() -> "running".equals(clusters.run("stop", id).state())
                && Files.exists(marks.resolve(id + ".pid")));
        String first = clusters.run("stop", id).worker();
        long frozen = workerPid("stop", first);
        long firstCopy = Long.parseLong(Files.readString(marks.resolve(id + ".pid")).strip());
        signal(frozen, "STOP"); // a partition as the worker sees it: nothing in, nothing out
        try {
            Awaitility.await().atMost(LONG).pollInterval(Duration.ofMillis(250)).until(() -> {
                RunView r = clusters.run("stop", id);
                return r.attempts() >= 2 && "running".equals(r.state());
            });
            assertThat(clusters.run("stop", id).worker()).isNotEqualTo(first);
            assertThat(running(firstCopy)).as("the frozen worker's copy was killed when its lease ran out").isFalse();
        } finally {
            signal(frozen, "CONT");
        }
        RunView done = clusters.awaitEnded("stop", List.of(id), LONG).get(0);
        assertThat(done.state()).isEqualTo("completed");
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(count("done")).as("each run executes to its end once").isEqualTo(Map.of(id, 1L));
        assertThat(count("overlaps")).as("no run on two workers at once").isEmpty();
        // local workers are jobs of the autoscaler: a worker silent past its lease is fenced like a batch job (its
        // process ended), so it can never report again; a late report of a stale copy is LeaseTest's, in the core
        assertThat(clusters.serverLog("stop")).contains("Fencing worker " + first);
        Awaitility.await().atMost(LONG).until(() -> ProcessHandle.of(frozen).map(p -> !p.isAlive()).orElse(true));
        assertThat(clusters.run("stop", id).state()).isEqualTo("completed");
        assertThat(clusters.ok("workers", "--name", "stop").out()).doesNotContain(first);
    }

    @Test
    void aWorkerKilledWithSigkillLeavesNoOrphanAndTheRestagedCopyCompletes() throws Exception {
        clusters.up("kill9", "--workers", "2", "--slots", "1", "--heartbeat-interval", "1", "--lease", "4");
        String id = clusters.submit("kill9", "--shell", "--", script(6)).get(0);
        Awaitility.await().atMost(LONG).until(() -> "running".equals(clusters.run("kill9", id).state())
                && Files.exists(marks.resolve(id + ".pid")));
        String first = clusters.run("kill9", id).worker();
        long runPid = Long.parseLong(Files.readString(marks.resolve(id + ".pid")).strip());
        ProcessHandle worker = ProcessHandle.of(workerPid("kill9", first)).orElseThrow();
        worker.destroyForcibly();
        worker.onExit().get(30, TimeUnit.SECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !running(runPid));
        assertThat(count("done")).as("the killed copy did not finish").isEmpty();

        RunView done = clusters.awaitEnded("kill9", List.of(id), LONG).get(0);
        assertThat(done.state()).isEqualTo("completed");
        assertThat(done.worker()).isNotEqualTo(first);
        assertThat(count("done")).isEqualTo(Map.of(id, 1L));
        assertThat(count("overlaps")).isEmpty();
        assertThat(Files.readString(clusters.dir("kill9").runLogs().resolve(id + ".log")))
                .contains("=== hpc-dask: attempt 2 on worker ");
    }

    @Test
    void aServerKilledWithSigkillComesBackOnTheSamePortAndTokenAndItsRunsCarryOnOnce() throws Exception {
        String[] options = {"--workers", "1", "--slots", "2", "--heartbeat-interval", "1", "--lease", "30"};
        clusters.up("crash", options);
        AccessInfo before = clusters.dir("crash").readAccess().orElseThrow();
        String workerBefore = clusters.ok("workers", "--name", "crash").out();
        List<String> ids = clusters.submit("crash", "--array", "1-2", "--shell", "--", script(10));
        Awaitility.await().atMost(LONG).until(() -> clusters.runs("crash").stream()
                .filter(r -> ids.contains(r.id())).allMatch(r -> "running".equals(r.state()))
                && ids.stream().allMatch(i -> Files.exists(marks.resolve(i + ".pid"))));
        String workerTokenBefore = Files.readString(clusters.dir("crash").workerTokenFile());
        ProcessHandle server = ProcessHandle.of(before.pid()).orElseThrow();
        server.destroyForcibly();
        server.onExit().get(30, TimeUnit.SECONDS);

        clusters.up("crash", options);
        AccessInfo after = clusters.dir("crash").readAccess().orElseThrow();
        assertThat(after.workerPort()).as("the worker port is the cluster's").isEqualTo(before.workerPort());
        // the workers' token is the cluster's for its life (the API's own token is new at every start)
        assertThat(Files.readString(clusters.dir("crash").workerTokenFile())).as("the workers' token is the cluster's")
                .isEqualTo(workerTokenBefore);
        assertThat(Files.getPosixFilePermissions(ClusterIdentity.portFile(clusters.dir("crash"))))
                .isEqualTo(io.hpcdask.server.files.PrivateFiles.FILE);

        List<RunView> ended = clusters.awaitEnded("crash", ids, LONG);
        assertThat(ended).extracting(RunView::state).containsOnly("completed");
        assertThat(ended).extracting(RunView::attempts).containsOnly(1);
        assertThat(count("started")).as("nothing ran twice").isEqualTo(Map.of(ids.get(0), 1L, ids.get(1), 1L));
        assertThat(count("done")).isEqualTo(Map.of(ids.get(0), 1L, ids.get(1), 1L));
        String workerName = workerBefore.lines().filter(l -> l.startsWith("local-")).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(clusters.ok("workers", "--name", "crash").out()).as("the surviving worker re-registered")
                .contains(workerName);

        // cluster down with a run in flight records it terminated before the store closes
        String sleeper = clusters.submit("crash", "--", "sleep", "300").get(0);
        Awaitility.await().atMost(LONG).until(() -> "running".equals(clusters.run("crash", sleeper).state()));
        clusters.ok("cluster", "down", "--name", "crash");
        assertThat(clusters.run("crash", sleeper).state()).isEqualTo("terminated");
    }
}
