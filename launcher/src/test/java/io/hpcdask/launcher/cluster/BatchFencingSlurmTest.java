package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.cli.RunsJson;
import io.hpcdask.server.api.RunView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, rows 9 to 11, on the real SLURM of this machine: a batch worker frozen with SIGSTOP (a partition as the
 * scheduler sees it) is fenced, that is its job is cancelled by the scheduler once its lease plus the margin has run
 * out, and only then is its run re-staged; the run completes once, on the replacement worker, and never has two live
 * copies. The frozen JVM cannot kill its own runs; its spawn helper, a process of its own that keeps the lease,
 * SIGKILLs their process groups when the lease runs out (and reaps them); the fencing scancel then ends the
 * job itself (SLURM sends it SIGCONT, then SIGTERM, and kills whatever is left). The job id is found from {@code squeue}, the JVM in /proc by its SLURM environment.
 *
 * <p>Every copy takes an exclusive, non-blocking lock on a file of the run for as long as it lives (the fd is
 * inherited by {@code sleep}); a second live copy cannot take it and writes the run id to {@code overlaps}. Each copy
 * appends the run id to {@code started} and, at its end, to {@code done}; the lines are counted.
 */
class BatchFencingSlurmTest {
    private static final Duration LONG = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LEASE = 6;
    private static final int HEARTBEAT = 2;
    /** The server's margin over the lease before it re-stages a silent worker's runs. */
    private static final int MARGIN = 10;

    @TempDir
    Path home;
    private final String cluster = "fence";
    private boolean up;
    private boolean passed;
    private long stopped = -1;
    private SlurmOverSsh slurm;
    private String jobName;
    private Path marks;
    private Path serverLog;

    @BeforeEach
    void slurmOverSsh() throws Exception {
        slurm = new SlurmOverSsh(home, "hpcdask-fence-", "{}\n");
        jobName = slurm.jobName;
        marks = Files.createDirectories(home.resolve("marks"));
    }

    @AfterEach
    void down() throws Exception {
        // SIGCONT only the pid stopped here, and only while it is still that worker JVM (fencing normally killed it)
        if (stopped > 0
                && SlurmOverSsh.read(Path.of("/proc", Long.toString(stopped), "cmdline")).contains("hpc-dask-worker")) {
            new ProcessBuilder("kill", "-CONT", Long.toString(stopped)).start().waitFor(10, TimeUnit.SECONDS);
        }
        if (!passed && serverLog != null && Files.exists(serverLog)) {
            System.out.println("server.log of the failed fencing test:\n" + SlurmOverSsh.read(serverLog));
        }
        if (up) {
            cli("cluster", "down", "--name", cluster);
        }
        if (slurm != null) {
            slurm.cancelLeftovers();
        }
    }

    private CliRun.Result cli(String... args) {
        return slurm.cli(args);
    }

    private CliRun.Result ok(String... args) {
        return slurm.ok(args);
    }

    private Map<String, String> squeue() throws Exception {
        return slurm.squeue();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private RunView theRun() throws Exception {
        List<RunView> runs = RunsJson.views(ok("runs", "--name", cluster, "--last", "0", "--output", "json").out());
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }

    private Map<String, Long> count(String file) throws IOException {
        Path p = marks.resolve(file);
        if (!Files.exists(p)) {
            return Map.of();
        }
        return Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private String script(int seconds) {
        String d = marks.toString();
        return "exec 9>>'" + d + "'/$HPC_DASK_RUN_ID.lock; flock -n 9 || echo $HPC_DASK_RUN_ID >> '" + d + "'/overlaps;"
                + " echo $$ >> '" + d + "'/pids; echo $HPC_DASK_RUN_ID >> '" + d + "'/started;"
                + " echo on $SLURM_JOB_ID; sleep " + seconds + "; echo $HPC_DASK_RUN_ID >> '" + d + "'/done; echo done";
    }

    @Test
    void aFrozenBatchWorkerIsFencedByCancellingItsJobAndItsRunCompletesOnceOnTheReplacement() throws Exception {
        long t0 = System.nanoTime();
        List<String> args = new ArrayList<>(List.of("cluster", "up", "--name", cluster));
        args.addAll(slurm.sshArgs);
        args.addAll(List.of("--cores", "1", "--memory", "500M", "--walltime", "00:10:00",
                "--lease", Integer.toString(LEASE), "--heartbeat-interval", Integer.toString(HEARTBEAT)));
        up = true;
        String upOut = ok(args.toArray(String[]::new)).out();
        Matcher m = Pattern.compile("server log (\\S+)").matcher(upOut);
        assertThat(m.find()).as("cluster up names its server log: %s", upOut).isTrue();
        serverLog = Path.of(m.group(1));

        ok("scale", "1", "--wait", "--timeout", "150", "--name", cluster);
        String first = squeue().keySet().iterator().next();
        String firstWorker = jobName + "-" + first; // a batch worker is named after its job
        assertThat(ok("workers", "--name", cluster).out()).contains(firstWorker);

        String id = ok("submit", "run", "--name", cluster, "--shell", "--", script(40)).out().strip();
        await().atMost(LONG).pollInterval(Duration.ofMillis(250)).until(() -> "running".equals(theRun().state())
                && count("started").containsKey(id));
        assertThat(theRun().worker()).isEqualTo(firstWorker);
        long firstCopy = Long.parseLong(Files.readAllLines(marks.resolve("pids")).get(0).strip());

        long jvm = SlurmOverSsh.workerJvm(first);
        assertThat(run("kill", "-STOP", Long.toString(jvm))).isEmpty();
        stopped = jvm;
        long frozenAt = System.nanoTime();

        // fencing: the scheduler cancels the frozen worker's job, and not before its lease plus the margin
        await().atMost(Duration.ofSeconds(LEASE + MARGIN + 3 * HEARTBEAT + 30)).pollInterval(Duration.ofMillis(500))
                .until(() -> !squeue().containsKey(first));
        double fencedAfter = (System.nanoTime() - frozenAt) / 1e9;
        assertThat(fencedAfter).as("the job is not cancelled before the lease and margin have run out")
                .isGreaterThanOrEqualTo(LEASE + MARGIN);
        String log = SlurmOverSsh.read(serverLog);
        assertThat(log).as("server log %s", serverLog)
                .contains("Fencing worker " + firstWorker + ": cancelling its job " + first)
                .doesNotContain("cancelling job " + first + " failed");
        assertThat(run("scontrol", "show", "job", first)).as("SLURM saw the job cancelled").contains("JobState=CANCELLED");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> !SlurmOverSsh.running(firstCopy));

        // the run is re-staged and completes on the replacement worker (target 1 keeps one worker)
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> "completed".equals(theRun().state()));
        RunView done = theRun();
        String replacement = squeue().keySet().stream().findFirst().orElse("(gone)");
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.worker()).isNotEqualTo(firstWorker).startsWith(jobName + "-");
        assertThat(count("started")).as("two attempts started").isEqualTo(Map.of(id, 2L));
        assertThat(count("done")).as("the run executed to its end once").isEqualTo(Map.of(id, 1L));
        assertThat(count("overlaps")).as("never two live copies of the run").isEmpty();
        String logs = ok("logs", "--name", cluster, id).out();
        assertThat(logs.lines().filter("done"::equals).count()).as("logs of run %s:%n%s", id, logs).isEqualTo(1);
        assertThat(logs).contains("attempt 2 on worker " + done.worker());

        System.out.printf("SLURM-backed test ran: worker %s (pid %d) frozen, its job %s fenced after %.1f s (lease %d s,"
                        + " margin %d s), run %s completed once on %s (job %s) after 2 attempts, no overlap; %.0f s in all%n",
                firstWorker, jvm, first, fencedAfter, LEASE, MARGIN, id, done.worker(), replacement,
                (System.nanoTime() - t0) / 1e9);
        ok("cluster", "down", "--name", cluster);
        up = false;
        passed = true;
    }
}
