package io.hpcdask.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the autoscaler tells so a failure is explained fast: when to poll often, since when a job runs without its
 * worker, and where the output of the last failed job is. Time is passed in; nothing sleeps.
 */
class AutoscalerFailureSignalsTest {
    static final long MINUTE = 60_000;
    final RecordingEffects fx = new RecordingEffects();
    final Autoscaler scaler = new Autoscaler(fx);

    private static Map<String, JobStatus> poll(String id, JobState state) {
        return Map.of(id, new JobStatus(id, state, "reason-" + id));
    }

    @Test
    void pollsFastWhileAJobIsPendingLongAfterItsSubmission() {
        assertThat(scaler.wantsFastPolling(0)).as("nothing submitted, nothing tracked").isFalse();
        scaler.setTarget("cpu", 1, 0);
        scaler.submitted("cpu", 1, List.of("1"), 0);
        scaler.polled(poll("1", JobState.PENDING), 2_000);
        assertThat(scaler.wantsFastPolling(59_999)).isTrue();
        assertThat(scaler.wantsFastPolling(10 * MINUTE)).as("still pending").isTrue();
    }

    @Test
    void pollsFastWhileAJobRunsWithoutItsWorkerThenSlowsOnceItConnects() {
        scaler.setTarget("cpu", 1, 0);
        scaler.submitted("cpu", 1, List.of("1"), 0);
        scaler.polled(poll("1", JobState.RUNNING), 2_000);
        assertThat(scaler.wantsFastPolling(5 * MINUTE)).as("running, no worker yet").isTrue();
        scaler.workerConnected("1", "w1", 5 * MINUTE);
        assertThat(scaler.wantsFastPolling(5 * MINUTE + 1)).isFalse();
    }

    @Test
    void pollsFastForAMinuteAfterASubmissionEvenWhenEveryWorkerIsThere() {
        scaler.setTarget("cpu", 1, 0);
        scaler.submitted("cpu", 1, List.of("1"), 1_000);
        scaler.workerConnected("1", "w1", 1_500);
        assertThat(scaler.wantsFastPolling(1_000 + MINUTE - 1)).isTrue();
        assertThat(scaler.wantsFastPolling(1_000 + MINUTE)).isFalse();
    }

    @Test
    void aJobBeingCancelledDoesNotKeepPollingFast() {
        scaler.setTarget("cpu", 1, 0);
        scaler.submitted("cpu", 1, List.of("1"), 0);
        scaler.setTarget("cpu", 0, 1_000); // pending: cancelled, retiring
        assertThat(fx.take()).contains("cancel cpu 1");
        assertThat(scaler.wantsFastPolling(10 * MINUTE)).isFalse();
    }

    @Test
    void recordsWhenEachJobWasFirstSeenRunningAndWhetherItsWorkerConnected() {
        scaler.setTarget("cpu", 2, 0);
        scaler.submitted("cpu", 2, List.of("1", "2"), 0);
        scaler.polled(Map.of("1", new JobStatus("1", JobState.PENDING, "Priority"),
                "2", new JobStatus("2", JobState.RUNNING, "node1")), 2_000);
        scaler.polled(Map.of("1", new JobStatus("1", JobState.RUNNING, "node1"),
                "2", new JobStatus("2", JobState.RUNNING, "node1")), 4_000);
        scaler.polled(Map.of("1", new JobStatus("1", JobState.RUNNING, "node1"),
                "2", new JobStatus("2", JobState.RUNNING, "node1")), 6_000);
        scaler.workerConnected("2", "w2", 7_000);
        assertThat(scaler.jobs()).extracting(Autoscaler.JobView::jobId, Autoscaler.JobView::runningSince,
                Autoscaler.JobView::workerConnected).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1", 4_000L, false),
                org.assertj.core.groups.Tuple.tuple("2", 2_000L, true));
        scaler.workerLeft("w2", 8_000);
        assertThat(scaler.jobs().get(1).workerConnected()).as("it did connect once").isTrue();
    }

    @Test
    void aWorkerConnectingBetweenPollsMarksItsJobRunningFromThen() {
        scaler.setTarget("cpu", 1, 0);
        scaler.submitted("cpu", 1, List.of("1"), 0);
        scaler.workerConnected("1", "w1", 3_000);
        assertThat(scaler.jobs().get(0).runningSince()).isEqualTo(3_000L);
    }

    @Test
    void theLastFailureNamesItsJobAndOutputFiles() {
        scaler.setTarget("cpu", 1, 0);
        scaler.submitted("cpu", 1, List.of("7"), 0);
        scaler.jobOutput("7", "/home/u/jobs/7.out", "/home/u/jobs/7.err");
        scaler.polled(Map.of("7", new JobStatus("7", JobState.FAILED, "NonZeroExitCode; stderr: No scheduler at 10.0.0.1:1")),
                90_000);
        Autoscaler.PoolView pool = scaler.pools().get(0);
        assertThat(pool.lastError()).isEqualTo("job 7 of profile cpu ended FAILED (NonZeroExitCode; stderr: No scheduler at "
                + "10.0.0.1:1) before its worker connected");
        assertThat(pool.lastErrorJob()).isEqualTo("7");
        assertThat(pool.lastErrorStdout()).isEqualTo("/home/u/jobs/7.out");
        assertThat(pool.lastErrorStderr()).isEqualTo("/home/u/jobs/7.err");
        assertThat(fx.logs).anyMatch(l -> l.endsWith("stdout in /home/u/jobs/7.out, stderr in /home/u/jobs/7.err"));

        scaler.submissionFailed("cpu", 1, "sbatch: error: invalid partition", 100_000);
        pool = scaler.pools().get(0);
        assertThat(pool.lastError()).isEqualTo("submission failed: sbatch: error: invalid partition");
        assertThat(pool.lastErrorJob()).as("no job, no files").isNull();
        assertThat(pool.lastErrorStdout()).isNull();
    }
}
