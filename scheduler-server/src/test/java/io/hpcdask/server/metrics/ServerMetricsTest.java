package io.hpcdask.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the event path feeds into the metrics, as the text format shows it (whole sample lines). */
class ServerMetricsTest {
    private final AtomicLong now = new AtomicLong(10_000);
    private final ServerMetrics metrics = new ServerMetrics(now::get);
    private static final WorkerId W = WorkerId.of("w1");

    @Test
    void aRunThatStartsAndFailsIsCountedWithItsWaitAndDispatchLatency() throws IOException {
        RunId run = RunId.of("7");
        metrics.runsSubmitted(1);
        metrics.stateChanged(StateChange.started(run, W, 1, 10_000, Assignment.NONE, 7_000)); // waited 3 s
        now.set(10_020);
        metrics.runStarted(run); // 20 ms after dispatch
        metrics.runStarted(run); // a duplicate report is not a second start
        metrics.stateChanged(new StateChange(run, RunState.RUNNING, RunState.ERROR, W, 1, 1, 11_000, null));

        assertThat(text()).contains("hpcdask_runs_submitted_total 1.0\n", "hpcdask_runs_started_total 1.0\n",
                "hpcdask_runs_finished_total{state=\"error\"} 1.0\n", "hpcdask_runs_failed_total 1.0\n",
                "hpcdask_run_wait_seconds_bucket{le=\"1.0\"} 0\n", "hpcdask_run_wait_seconds_bucket{le=\"5.0\"} 1\n",
                "hpcdask_run_wait_seconds_count 1\n", "hpcdask_run_wait_seconds_sum 3.0\n",
                "hpcdask_run_dispatch_latency_seconds_bucket{le=\"0.01\"} 0\n",
                "hpcdask_run_dispatch_latency_seconds_bucket{le=\"0.025\"} 1\n",
                "hpcdask_run_dispatch_latency_seconds_count 1\n");
    }

    @Test
    void aRunThatEndsBeforeItsStartIsReportedHasNoDispatchLatencyAndCompletedIsNoFailure() throws IOException {
        RunId run = RunId.of("8");
        metrics.stateChanged(StateChange.started(run, W, 1, 10_000, Assignment.NONE, 9_000));
        metrics.stateChanged(new StateChange(run, RunState.RUNNING, RunState.COMPLETED, W, 0, 1, 10_500, null));
        metrics.runStarted(run); // arrives after the end was handled: nothing in flight any more

        assertThat(text()).contains("hpcdask_runs_finished_total{state=\"completed\"} 1.0\n",
                "hpcdask_runs_failed_total 0.0\n", "hpcdask_run_dispatch_latency_seconds_count 0\n");
    }

    @Test
    void submissionsPausesCommitsAndLinkBytesAreCountedByProfile() throws IOException {
        metrics.jobsSubmitted("cpu");
        metrics.jobSubmissionFailed("gpu");
        metrics.scalingPaused("gpu");
        metrics.committed(2_000_000); // 2 ms
        metrics.linkBytes(() -> 123, () -> 456);

        assertThat(text()).contains("hpcdask_job_submissions_total{profile=\"cpu\"} 1.0\n",
                "hpcdask_job_submissions_total{profile=\"gpu\"} 1.0\n",
                "hpcdask_job_submission_failures_total{profile=\"gpu\"} 1.0\n",
                "hpcdask_scaling_pauses_total{profile=\"gpu\"} 1.0\n",
                "hpcdask_store_commit_seconds_bucket{le=\"0.001\"} 0\n",
                "hpcdask_store_commit_seconds_bucket{le=\"0.0025\"} 1\n",
                "hpcdask_link_received_bytes_total 123.0\n", "hpcdask_link_sent_bytes_total 456.0\n",
                "# HELP hpcdask_store_commit_seconds ", "# TYPE hpcdask_store_commit_seconds histogram\n")
                .doesNotContain("hpcdask_job_submission_failures_total{profile=\"cpu\"}");
    }

    private String text() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.scrape(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
