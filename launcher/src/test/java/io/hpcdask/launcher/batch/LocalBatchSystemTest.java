package io.hpcdask.launcher.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hpcdask.launcher.ssh.RemoteCommandException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real background processes on this machine. */
class LocalBatchSystemTest {
    @TempDir
    Path tmp;

    @Test
    void anArrayRunsAsProcessesThatCompleteOrFail() throws Exception {
        LocalBatchSystem local = new LocalBatchSystem(tmp.resolve("jobs"));
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        SubmittedJobs jobs = local.submit(JobSubmission.of("sleep 1; echo $" + LocalBatchSystem.TASK_ID_VARIABLE + " > "
                + out + "/$" + LocalBatchSystem.TASK_ID_VARIABLE + "; [ $" + LocalBatchSystem.TASK_ID_VARIABLE + " != 2 ]")
                .withArray(3));
        assertThat(jobs.taskIds()).hasSize(3);
        assertThat(local.query(jobs.taskIds()).values()).extracting(JobStatus::state).containsOnly(JobState.RUNNING);
        await().atMost(Duration.ofSeconds(30)).until(() -> local.query(jobs.taskIds()).values().stream()
                .allMatch(s -> s.state().isFinal()));
        var states = local.query(jobs.taskIds());
        assertThat(states.get(jobs.taskIds().get(0)).state()).isEqualTo(JobState.COMPLETED);
        assertThat(states.get(jobs.taskIds().get(1)).state()).isEqualTo(JobState.COMPLETED);
        assertThat(states.get(jobs.taskIds().get(2))).isEqualTo(new JobStatus(jobs.taskIds().get(2), JobState.FAILED, "exit status 1"));
        assertThat(Files.readString(out.resolve("1")).strip()).isEqualTo("1");
    }

    @Test
    void aCancelledJobIsCancelled() {
        LocalBatchSystem local = new LocalBatchSystem(tmp.resolve("jobs"));
        SubmittedJobs job = local.submit(JobSubmission.of("sleep 60"));
        assertThat(local.query(job.taskIds()).get(job.jobId()).state()).isEqualTo(JobState.RUNNING);
        local.cancel(job.taskIds());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                local.query(job.taskIds()).get(job.jobId()).state() == JobState.CANCELLED);
    }

    @Test
    void testSubmissionChecksTheScriptParses() {
        LocalBatchSystem local = new LocalBatchSystem(tmp.resolve("jobs"));
        assertThat(local.testSubmission(JobSubmission.of("echo ok\n"))).contains("parses");
        assertThatThrownBy(() -> local.testSubmission(JobSubmission.of("if then fi (\n")))
                .isInstanceOf(RemoteCommandException.class).hasMessageContaining("syntax error");
        assertThat(local.query(List.of("1")).get("1").state()).isEqualTo(JobState.UNKNOWN);
    }
}
