package io.hpcdask.launcher.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hpcdask.launcher.ssh.RemoteCommandException;
import io.hpcdask.launcher.ssh.SshFixture;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real SLURM of the test environment, reached over the loopback sshd. */
class SlurmBatchSystemSlurmTest {
    @TempDir
    Path tmp;
    private SshShell shell;
    private SlurmBatchSystem slurm;
    private final List<String> submitted = new ArrayList<>();
    private final String name = "hpcdask-sshit-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void connect() throws Exception {
        TestEnv.requireSlurm();
        TestEnv.requireSsh();
        shell = SshShell.connect(SshFixture.trusted(tmp));
        slurm = new SlurmBatchSystem(shell);
    }

    @AfterEach
    void cleanUp() {
        if (shell != null) {
            if (!submitted.isEmpty()) {
                slurm.cancel(submitted);
            }
            shell.close();
        }
    }

    private String script(String body) {
        return "#!/bin/bash\n#SBATCH -J " + name + "\n#SBATCH -o /dev/null\n#SBATCH -t 00:02:00\n" + body + "\n";
    }

    private JobSubmission submission(String body) {
        return JobSubmission.of(script(body)).withArgs("-p", TestEnv.slurmPartition());
    }

    @Test
    void anArrayOfThreeIsFollowedFromPendingOrRunningToCompleted() {
        SubmittedJobs jobs = slurm.submit(submission("sleep 2").withArray(3));
        submitted.add(jobs.jobId());
        assertThat(jobs.taskIds()).containsExactly(jobs.jobId() + "_0", jobs.jobId() + "_1", jobs.jobId() + "_2");

        Map<String, List<JobState>> seen = new HashMap<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, JobStatus> now = slurm.query(jobs.taskIds());
            now.forEach((id, s) -> {
                List<JobState> states = seen.computeIfAbsent(id, k -> new ArrayList<>());
                if (states.isEmpty() || states.get(states.size() - 1) != s.state()) {
                    states.add(s.state());
                }
            });
            System.out.println("array " + jobs.jobId() + ": " + now.values());
            return jobs.taskIds().stream().allMatch(id -> now.get(id).state() == JobState.COMPLETED);
        });
        for (String task : jobs.taskIds()) {
            List<JobState> states = seen.get(task);
            assertThat(states.get(0)).as("first state of " + task).isIn(JobState.PENDING, JobState.RUNNING);
            assertThat(states.get(states.size() - 1)).isEqualTo(JobState.COMPLETED);
        }
    }

    @Test
    void aHeldJobPendsAndIsCancelled() {
        SubmittedJobs job = slurm.submit(submission("true").withArgs("-p", TestEnv.slurmPartition(), "--hold"));
        submitted.add(job.jobId());
        JobStatus pending = slurm.query(List.of(job.jobId())).get(job.jobId());
        assertThat(pending).isEqualTo(new JobStatus(job.jobId(), JobState.PENDING, "JobHeldUser"));
        slurm.cancel(List.of(job.jobId()));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> slurm.query(List.of(job.jobId())).get(job.jobId()).state() == JobState.CANCELLED);
    }

    @Test
    void aBadPartitionFailsWithSbatchsOwnError() {
        assertThatThrownBy(() -> slurm.submit(JobSubmission.of(script("true")).withArgs("-p", "nosuch")))
                .isInstanceOfSatisfying(RemoteCommandException.class, e -> {
                    assertThat(e.result().command()).isEqualTo("sbatch --parsable -p nosuch");
                    assertThat(e.result().exitStatus()).isEqualTo(1);
                    assertThat(e.result().stderr()).contains("sbatch: error: invalid partition specified: nosuch");
                })
                .hasMessageContaining("sbatch: error: invalid partition specified: nosuch")
                .hasMessageContaining("exited with status 1");
    }

    @Test
    void theOutputFilesOfAnArrayTaskAreResolvedFromTheirPatternsWithTheLastStderrLines() {
        String body = "echo out; echo 'No scheduler at 192.0.2.1:1' >&2; exit 3";
        String header = "#!/bin/bash\n#SBATCH -J " + name + "\n#SBATCH -o " + tmp + "/%x-%A_%a.out\n#SBATCH -e " + tmp
                + "/%u-%j.err\n#SBATCH -t 00:02:00\n";
        SubmittedJobs jobs = slurm.submit(JobSubmission.of(header + body + "\n").withArgs("-p", TestEnv.slurmPartition())
                .withArray(2));
        submitted.add(jobs.jobId());
        String task = jobs.taskIds().get(1);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> slurm.query(List.of(task)).get(task).state() == JobState.FAILED);
        JobOutput o = slurm.output(task);
        assertThat(o.stdoutFile()).isEqualTo(tmp + "/" + name + "-" + jobs.jobId() + "_1.out");
        assertThat(o.stderrFile()).startsWith(tmp + "/" + TestEnv.sshUser() + "-").endsWith(".err");
        assertThat(o.stderrTail()).isEqualTo("stderr: No scheduler at 192.0.2.1:1");
        assertThat(slurm.output("99999999")).as("a job scontrol does not know")
                .isEqualTo(new JobOutput(null, null, null));
    }

    @Test
    void testOnlySubmissionAndUnknownIds() {
        assertThat(slurm.testSubmission(submission("true"))).contains("to start at");
        assertThat(slurm.query(List.of("99999999")).get("99999999").state()).isEqualTo(JobState.UNKNOWN);
    }
}
