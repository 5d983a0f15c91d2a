package io.hpcdask.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoscalerTest {
    final RecordingEffects fx = new RecordingEffects();
    final Autoscaler scaler = new Autoscaler(fx);

    private static Map<String, JobStatus> poll(Object... idStatePairs) {
        Map<String, JobStatus> m = new HashMap<>();
        for (int i = 0; i < idStatePairs.length; i += 2) {
            String id = (String) idStatePairs[i];
            m.put(id, new JobStatus(id, (JobState) idStatePairs[i + 1], "reason-" + id));
        }
        return m;
    }

    private void upTo(int n, String... ids) {
        scaler.setTarget("cpu", n, 0);
        assertThat(fx.take()).containsExactly("submit cpu " + n);
        scaler.submitted("cpu", n, List.of(ids), 0);
        for (String id : ids) {
            scaler.workerConnected(id, "w" + id, 0);
        }
        assertThat(fx.take()).isEmpty();
    }

    @Test
    void submitsTheShortfallOnceWhileASubmissionIsUnderWay() {
        scaler.setTarget("cpu", 3, 0);
        scaler.tick(1);
        scaler.polled(Map.of(), 2);
        assertThat(fx.take()).containsExactly("submit cpu 3");
        scaler.submitted("cpu", 3, List.of("10_0", "10_1", "10_2"), 3);
        scaler.polled(poll("10_0", JobState.PENDING, "10_1", JobState.PENDING, "10_2", JobState.RUNNING), 4);
        assertThat(fx.take()).isEmpty();
        assertThat(scaler.pools()).singleElement().satisfies(p -> {
            assertThat(p.pending()).isEqualTo(2);
            assertThat(p.running()).isEqualTo(1);
            assertThat(p.connected()).isZero();
        });
    }

    @Test
    void aJobCancelledOutsideIsReplacedWithBackoff() {
        upTo(2, "1", "2");
        scaler.polled(poll("2", JobState.RUNNING, "1", JobState.CANCELLED), 1_000);
        assertThat(fx.take()).containsExactly("submit cpu 1"); // first loss: at once
        scaler.submitted("cpu", 1, List.of("3"), 1_000);
        scaler.polled(poll("2", JobState.RUNNING, "3", JobState.FAILED), 2_000);
        assertThat(fx.take()).as("second loss in a row waits 10 s").isEmpty();
        scaler.tick(11_999);
        assertThat(fx.take()).isEmpty();
        scaler.tick(12_000);
        assertThat(fx.take()).containsExactly("submit cpu 1");
        assertThat(fx.logs).anyMatch(l -> l.equals("Lost job 1 of profile cpu ended CANCELLED (reason-1)"));
    }

    @Test
    void aConnectingWorkerResetsTheBackoff() {
        upTo(1, "1");
        scaler.polled(poll("1", JobState.TIMEOUT), 1_000);
        assertThat(fx.take()).containsExactly("submit cpu 1");
        scaler.submitted("cpu", 1, List.of("2"), 1_000);
        scaler.workerConnected("2", "w2", 5_000);
        scaler.polled(poll("2", JobState.CANCELLED), 6_000);
        assertThat(fx.take()).containsExactly("submit cpu 1");
    }

    @Test
    void pausesAfterThreeJobsFailWithoutAWorkerAndShowsWhy() {
        scaler.setTarget("cpu", 1, 0);
        long now = 0;
        for (int i = 1; i <= 3; i++) {
            assertThat(fx.take()).containsExactly("submit cpu 1");
            scaler.submitted("cpu", 1, List.of("j" + i), now);
            now += 1_000;
            scaler.polled(poll("j" + i, JobState.FAILED), now);
            now += 600_000;
            scaler.tick(now);
        }
        assertThat(fx.take()).isEmpty();
        Autoscaler.PoolView pool = scaler.pools().get(0);
        assertThat(pool.pausedReason()).isEqualTo("3 jobs in a row failed without a worker connecting; last: "
                + "job j3 of profile cpu ended FAILED (reason-j3) before its worker connected");
        scaler.tick(now + 3_600_000);
        assertThat(fx.take()).isEmpty();

        scaler.setTarget("cpu", 1, now); // the user fixed the cause and scales again
        assertThat(fx.take()).containsExactly("submit cpu 1");
        assertThat(scaler.pools().get(0).pausedReason()).isNull();
    }

    @Test
    void failedSubmissionsCountTowardThePause() {
        scaler.setTarget("gpu", 1, 0);
        assertThat(fx.take()).containsExactly("submit gpu 1");
        scaler.submissionFailed("gpu", 1, "sbatch: error: invalid partition specified: nosuch", 0);
        assertThat(fx.take()).containsExactly("submit gpu 1");
        scaler.submissionFailed("gpu", 1, "sbatch: error: invalid partition specified: nosuch", 1);
        scaler.tick(10_001);
        assertThat(fx.take()).containsExactly("submit gpu 1");
        scaler.submissionFailed("gpu", 1, "sbatch: error: invalid partition specified: nosuch", 10_002);
        scaler.tick(10_000_000);
        assertThat(fx.take()).isEmpty();
        assertThat(scaler.pools().get(0).pausedReason())
                .endsWith("last: submission failed: sbatch: error: invalid partition specified: nosuch");
    }

    @Test
    void scalingDownCancelsPendingFirstThenStopsIdleThenDrainsBusy() {
        scaler.setTarget("cpu", 5, 0);
        fx.take();
        scaler.submitted("cpu", 5, List.of("p1", "p2", "i1", "i2", "b1"), 0);
        for (String id : List.of("i1", "i2", "b1")) {
            scaler.workerConnected(id, "w" + id, 1);
        }
        scaler.workerBusy("wb1", true, 0);
        fx.take();

        scaler.setTarget("cpu", 2, 10);
        assertThat(fx.take()).containsExactly("stop wi1", "cancel cpu p1,p2,i1");
        scaler.setTarget("cpu", 0, 20);
        assertThat(fx.take()).containsExactly("stop wi2", "cancel cpu i2", "drain wb1");
        // Jobs we ended are not losses: nothing is resubmitted, nothing pauses.
        scaler.polled(poll("b1", JobState.RUNNING), 30);
        scaler.polled(poll("b1", JobState.COMPLETED), 40);
        assertThat(fx.take()).isEmpty();
        assertThat(scaler.liveJobIds()).isEmpty();
        assertThat(fx.logs).noneMatch(l -> l.startsWith("Lost"));
    }

    @Test
    void aRetiringWorkerIsReplacedAheadOfTime() {
        upTo(2, "1", "2");
        scaler.workerRetiring("w1", 100);
        assertThat(fx.take()).containsExactly("submit cpu 1");
        scaler.submitted("cpu", 1, List.of("3"), 100);
        scaler.polled(poll("1", JobState.COMPLETED, "2", JobState.RUNNING, "3", JobState.PENDING), 200);
        assertThat(fx.take()).isEmpty();
        assertThat(scaler.liveJobIds()).containsExactly("2", "3");
    }

    @Test
    void aJobThatVanishesFromTheQueueIsALossAfterTwoPolls() {
        upTo(1, "1");
        scaler.polled(Map.of(), 1);
        assertThat(fx.take()).isEmpty();
        scaler.polled(Map.of(), 2);
        assertThat(fx.take()).containsExactly("submit cpu 1");
        assertThat(fx.logs).contains("Lost job 1 of profile cpu ended UNKNOWN (no longer known to the batch system)");
    }

    @Test
    void profilesScaleIndependently() {
        scaler.setTarget("cpu", 2, 0);
        scaler.setTarget("gpu", 1, 0);
        assertThat(fx.take()).containsExactly("submit cpu 2", "submit gpu 1");
        scaler.submitted("gpu", 1, List.of("g1"), 0);
        scaler.polled(poll("g1", JobState.FAILED), 1);
        assertThat(fx.take()).containsExactly("submit gpu 1");
        assertThat(scaler.pools()).extracting(Autoscaler.PoolView::submitting).containsExactly(2, 1);
    }

    @Test
    void workersOfUnknownJobsAreIgnored() {
        upTo(1, "1");
        scaler.workerConnected("999", "stranger", 5);
        scaler.workerRetiring("stranger", 6);
        assertThat(fx.take()).isEmpty();
    }
}
