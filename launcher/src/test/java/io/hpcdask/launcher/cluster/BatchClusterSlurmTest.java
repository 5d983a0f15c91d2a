package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.cli.RunsJson;
import io.hpcdask.launcher.cli.JsonSchemas;
import com.fasterxml.jackson.databind.JsonNode;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.api.RunView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters whose workers are real SLURM jobs, submitted through the real loopback sshd: the CLI in-process, the
 * scheduler as its own process, the workers as batch jobs that connect back. Every job is named with this test's
 * own prefix, so squeue answers for this test alone.
 */
class BatchClusterSlurmTest {
    private static final Duration LONG = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    private final List<String> clusters = new ArrayList<>();
    private SlurmOverSsh slurm;
    private String jobName;

    @BeforeEach
    void slurmOverSsh() throws Exception {
        slurm = new SlurmOverSsh(home, "hpcdask-it-", """
                profiles:
                  gpu:
                    resources: gpu=1
                  nosuch:
                    queue: nosuch
                  later:
                    job-extra-directive: ["--begin=now+1hour"]
                  nojava:
                    java: /no/such/java
                """);
        jobName = slurm.jobName;
    }

    @AfterEach
    void down() throws Exception {
        if (slurm == null) {
            return;
        }
        for (String name : clusters) {
            cli("cluster", "down", "--name", name);
        }
        slurm.squeue();
        slurm.cancelLeftovers();
    }

    private CliRun.Result cli(String... args) {
        return slurm.cli(args);
    }

    private CliRun.Result ok(String... args) {
        return slurm.ok(args);
    }

    private void up(String name, String... options) {
        List<String> args = new ArrayList<>(List.of("cluster", "up", "--name", name));
        args.addAll(slurm.sshArgs);
        args.addAll(List.of(options));
        clusters.add(name);
        ok(args.toArray(String[]::new));
    }

    private Map<String, String> squeue() throws Exception {
        return slurm.squeue();
    }

    private List<RunView> runs(String name) throws Exception {
        return RunsJson.views(ok("runs", "--name", name, "--last", "0", "--output", "json").out());
    }

    @Test
    void twoWorkersConnectRunGpuRunsOneAtATimeEachAndScaleToZero() throws Exception {
        up("main", "--cores", "1", "--memory", "500M", "--walltime", "00:10:00", "--profile", "gpu");
        CliRun.Result scaled = ok("scale", "2", "--wait", "--timeout", "150", "--name", "main");
        assertThat(scaled.out()).contains("Submitted 2 job(s) of profile gpu").contains("2 worker(s) connected");
        assertThat(scaled.err()).contains("[scale] workers connected 2/2");
        assertThat(squeue().values()).containsExactly("RUNNING", "RUNNING");
        System.out.println("SLURM-backed test ran: 2 workers connected from jobs " + squeue().keySet());

        assertThat(ok("cluster", "status", "--name", "main").out()).contains("Batch:      slurm")
                .contains("Profile gpu: target 2, 0 pending, 2 running, 2 connected");
        assertThat(ok("workers", "--name", "main").out()).contains(" gpu ").contains("gpu=1");
        assertThat(ok("print", "job-script", "--name", "main", "--profile", "gpu").out())
                .contains("#SBATCH -J " + jobName).contains("/.hpc-dask/lib/hpc-dask-worker-").contains("--resources gpu=1")
                .doesNotContain("<worker-jar>", "<scheduler-address>", "<token-file>");

        CliRun.Result submitted = ok("submit", "run", "--name", "main", "--tag", "dask:gpu=1", "--array", "1-4", "--wait",
                "--", "bash", "-c", "echo gpu $CUDA_VISIBLE_DEVICES on $SLURM_JOB_ID; sleep 2");
        List<RunView> runs = runs("main");
        assertThat(runs).hasSize(4).allSatisfy(r -> assertThat(r.state()).isEqualTo("completed"));
        for (var onWorker : runs.stream().collect(Collectors.groupingBy(RunView::worker)).values()) {
            List<RunView> byStart = onWorker.stream().sorted(Comparator.comparing(RunView::startedAt)).toList();
            for (int i = 1; i < byStart.size(); i++) {
                assertThat(byStart.get(i).startedAt()).as("gpu runs on one worker never overlap")
                        .isGreaterThanOrEqualTo(byStart.get(i - 1).endedAt());
            }
        }
        for (String id : submitted.out().lines().toList()) {
            assertThat(ok("logs", "--name", "main", id).out()).as("run %s sees one GPU", id).startsWith("gpu 0 on ");
        }

        ok("scale", "0", "--name", "main");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> squeue().isEmpty());
        ok("cluster", "down", "--name", "main");
        clusters.remove("main");
    }

    @Test
    void aRunWhoseJobIsCancelledCompletesOnTheReplacementWorker() throws Exception {
        up("cancel", "--cores", "1", "--memory", "500M", "--walltime", "00:10:00");
        ok("scale", "1", "--wait", "--timeout", "150", "--name", "cancel");
        String first = squeue().keySet().iterator().next();
        // long enough that the scancel below lands while it runs, even on a loaded machine
        String id = ok("submit", "run", "--name", "cancel", "--", "bash", "-c", "echo on $SLURM_JOB_ID; sleep 20; echo done")
                .out().strip();
        await().atMost(LONG).until(() -> runs("cancel").get(0).state().equals("running"));
        new ProcessBuilder("scancel", first).start().waitFor(30, TimeUnit.SECONDS);

        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> runs("cancel").get(0).state().equals("completed"));
        RunView run = runs("cancel").get(0);
        assertThat(run.attempts()).isEqualTo(2);
        assertThat(run.worker()).isNotEqualTo("hpc-dask-worker-" + first);
        assertThat(ok("logs", "--name", "cancel", id).out()).endsWith("done\n");
        System.out.println("SLURM-backed test ran: run " + id + " survived scancel of job " + first + " and completed on " + run.worker());
    }

    @Test
    void aProfileWithAPartitionThatDoesNotExistFailsFastWithSbatchsOwnMessage() {
        up("bad", "--cores", "1", "--memory", "200M");
        CliRun.Result r = cli("scale", "1", "--profile", "nosuch", "--name", "bad");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("sbatch: error: invalid partition specified: nosuch");
    }

    @Test
    void jobsThatFailBeforeTheirWorkerConnectsPauseScalingWithTheJobsOwnStderr() throws Exception {
        up("nojava", "--cores", "1", "--memory", "200M", "--profile", "nojava", "--log-directory", home.toString());
        CliRun.Result r = cli("scale", "1", "--wait", "--timeout", "150", "--name", "nojava");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("scaling of profile nojava paused: 3 jobs in a row failed without a worker connecting")
                .contains("/no/such/java: No such file or directory");
        assertThat(ok("cluster", "status", "--name", "nojava").out()).contains("PAUSED: 3 jobs in a row failed")
                .contains("/no/such/java");
        System.out.println("SLURM-backed test ran: scaling paused after 3 failed jobs: " + r.err().lines().reduce((a, b) -> b).orElse(""));
    }

    @Test
    void pendingJobsAreCancelledByClusterDown() throws Exception {
        up("pending", "--cores", "1", "--memory", "200M", "--profile", "later");
        JsonNode scaled = JsonSchemas.conforming("scale", ok("scale", "2", "--name", "pending", "-o", "json").out());
        assertThat(scaled.get("target").asInt()).isEqualTo(2);
        assertThat(scaled.get("profile").asText()).isEqualTo("later");
        await().atMost(Duration.ofSeconds(30)).until(() -> squeue().size() == 2);
        assertThat(squeue().values()).containsOnly("PENDING");
        assertThat(scaled.get("submitted")).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(squeue().keySet());
        // the batch system's own reason shows once the scaler has polled it
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ok("cluster", "status", "--name", "pending").out().contains("PENDING  BeginTime"));
        JsonNode status = JsonSchemas.conforming("cluster-status", ok("cluster", "status", "--name", "pending", "-o", "json").out());
        assertThat(status.get("batch").get("system").asText()).isEqualTo("slurm");
        assertThat(status.get("batch").get("jobs")).hasSize(2).allSatisfy(j -> assertThat(j.get("reason").asText()).contains("BeginTime"));
        assertThat(status.get("batch").get("profiles").get(0).get("target").asInt()).isEqualTo(2);
        ok("cluster", "down", "--name", "pending");
        clusters.remove("pending");
        assertThat(squeue()).as("no job of the cluster is left in the queue").isEmpty();
    }

    @Test
    void aWorkerAtTheEndOfItsLifetimeDrainsAndIsReplacedWithoutLosingARun() throws Exception {
        // a 2-minute walltime with a 100 s grace: the worker retires after about 20 s
        up("life", "--cores", "1", "--memory", "500M", "--walltime", "00:02:00", "--lifetime-grace", "100");
        ok("scale", "1", "--wait", "--timeout", "150", "--name", "life");
        String first = squeue().keySet().iterator().next();
        String id = ok("submit", "run", "--name", "life", "--", "bash", "-c", "sleep 25; echo survived").out().strip();
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> squeue().size() == 2);
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> runs("life").get(0).state().equals("completed"));
        assertThat(runs("life").get(0).attempts()).isEqualTo(1);
        assertThat(ok("logs", "--name", "life", id).out()).isEqualTo("survived\n");
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> !squeue().containsKey(first));
        assertThat(squeue()).hasSize(1);
        System.out.println("SLURM-backed test ran: worker of job " + first + " retired, run " + id + " completed, replaced by "
                + squeue().keySet());
    }
}
