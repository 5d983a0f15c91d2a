package io.hpcdask.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rule of adaptive scaling, with an explicit clock. */
class AutoscalerAdaptTest {
    static final Map<String, Long> CPU1 = Map.of("cores", 1L);
    static final Map<String, Long> GPU1 = Map.of("gpu", 1L);
    static final long IDLE = 60_000;

    final RecordingEffects fx = new RecordingEffects();
    final Autoscaler scaler = new Autoscaler(fx);

    AutoscalerAdaptTest() {
        scaler.profiles(List.of(
                new ProfileCapacity("cpu", Map.of("cores", 1L, "memory", 2L << 30), 1),
                new ProfileCapacity("gpu", Map.of("cores", 4L, "gpu", 2L), 4)));
    }

    private void adapt(String profile, int min, int max, int maxPending, long now) {
        scaler.adapt(profile, new AdaptPolicy(min, max, IDLE, maxPending), now);
    }

    private void connect(String profile, long now, String... ids) {
        scaler.submitted(profile, ids.length, List.of(ids), now);
        for (String id : ids) {
            scaler.workerConnected(id, "w" + id, now);
        }
    }

    @Test
    void withNoRunsAnAdaptingProfileAtMinZeroSubmitsNothing() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(), 1);
        scaler.tick(100_000);
        assertThat(fx.take()).isEmpty();
    }

    @Test
    void minIsKeptEvenWithoutDemand() {
        adapt("cpu", 2, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        assertThat(fx.take()).containsExactly("submit cpu 2");
    }

    @Test
    void eightOneCoreRunsOnOneCoreWorkersAskForMaxAtOnce() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 8), 1);
        assertThat(fx.take()).containsExactly("submit cpu 4");
        scaler.submitted("cpu", 4, List.of("1", "2", "3", "4"), 2);
        scaler.demand(Map.of(CPU1, 8), 3);
        scaler.tick(4);
        assertThat(fx.take()).as("the pending jobs already cover the demand up to max").isEmpty();
    }

    @Test
    void gpuRunsArePackedByThePerWorkerCapacity() {
        adapt("gpu", 0, 10, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(GPU1, 8), 1);
        assertThat(fx.take()).as("8 runs of gpu=1 on 2-GPU workers").containsExactly("submit gpu 4");
    }

    @Test
    void aShapeGoesToTheFirstAdaptingProfileInConfigOrderThatFitsIt() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        adapt("gpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 1, GPU1, 2, Map.of("cores", 3L), 1), 1);
        // cores=1 fits both and goes to cpu, listed first; cores=3 fits gpu only, and shares one worker with the gpu runs
        assertThat(fx.take()).containsExactlyInAnyOrder("submit cpu 1", "submit gpu 1");
    }

    @Test
    void runsNoProfileCanRunAskForNothingAndAreNamed() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        adapt("gpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(Map.of("fpga", 1L), 5, Map.of("gpu", 3L), 1), 1);
        assertThat(fx.take()).isEmpty();
        assertThat(scaler.unplaceable()).containsExactlyInAnyOrder(Map.of("fpga", 1L), Map.of("gpu", 3L));
    }

    @Test
    void neverMoreThanMaxPendingJobsPending() {
        adapt("cpu", 0, 10, 2, 0);
        scaler.demand(Map.of(CPU1, 10), 1);
        assertThat(fx.take()).containsExactly("submit cpu 2");
        scaler.submitted("cpu", 2, List.of("1", "2"), 2);
        scaler.tick(3);
        assertThat(fx.take()).isEmpty();
        scaler.polled(Map.of("1", new JobStatus("1", JobState.RUNNING, ""), "2", new JobStatus("2", JobState.PENDING, "")), 4);
        assertThat(fx.take()).as("one left the queue: one more may wait there").containsExactly("submit cpu 1");
    }

    @Test
    void aWorkerJustConnectedIsCountedAsEmptyUntilTheNextDemand() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 2), 1);
        assertThat(fx.take()).containsExactly("submit cpu 2");
        scaler.submitted("cpu", 2, List.of("1", "2"), 2);
        scaler.workerConnected("1", "w1", 3);
        assertThat(fx.take()).as("demand still counts the run w1 is about to take").isEmpty();
        scaler.demand(Map.of(CPU1, 1), 3);
        assertThat(fx.take()).isEmpty();
    }

    @Test
    void pendingJobsNoLongerNeededAreCancelledAtOnceNewestFirst() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 1), 1);
        scaler.submitted("cpu", 1, List.of("1"), 1);
        scaler.demand(Map.of(CPU1, 3), 2);
        assertThat(fx.take()).containsExactly("submit cpu 1", "submit cpu 2");
        scaler.submitted("cpu", 2, List.of("2", "3"), 5);
        scaler.demand(Map.of(CPU1, 1), 6); // two runs cancelled by the user
        assertThat(fx.take()).containsExactly("cancel cpu 2,3");
    }

    @Test
    void anIdleWorkerGoesOnlyAfterIdleTimeoutWithNoStagedRunForIt() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 1), 0);
        fx.take();
        connect("cpu", 1_000, "1");
        scaler.workerBusy("w1", true, 1_000);
        scaler.demand(Map.of(), 1_000);
        scaler.workerBusy("w1", false, 10_000);
        scaler.tick(10_000 + IDLE - 1);
        assertThat(fx.take()).as("idle less than the timeout").isEmpty();
        scaler.tick(10_000 + IDLE);
        assertThat(fx.take()).containsExactly("stop w1", "cancel cpu 1");
    }

    @Test
    void aStagedRunTheWorkerCouldTakeKeepsItAndRestartsItsIdleClock() {
        adapt("cpu", 0, 1, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 1), 0);
        fx.take();
        connect("cpu", 1_000, "1");
        scaler.demand(Map.of(CPU1, 1), 1_000); // e.g. reserved elsewhere: still staged, and it fits w1
        scaler.tick(1_000 + 2 * IDLE);
        assertThat(fx.take()).isEmpty();
        scaler.demand(Map.of(), 1_000 + 2 * IDLE);
        scaler.tick(1_000 + 3 * IDLE - 1);
        assertThat(fx.take()).isEmpty();
        scaler.tick(1_000 + 3 * IDLE);
        assertThat(fx.take()).containsExactly("stop w1", "cancel cpu 1");
    }

    @Test
    void idleWorkersStopNoFurtherThanMin() {
        adapt("cpu", 1, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        assertThat(fx.take()).containsExactly("submit cpu 1");
        connect("cpu", 0, "1");
        scaler.demand(Map.of(CPU1, 1), 0);
        assertThat(fx.take()).containsExactly("submit cpu 1");
        connect("cpu", 0, "2");
        scaler.demand(Map.of(), 0);
        scaler.tick(IDLE);
        assertThat(fx.take()).containsExactly("stop w1", "cancel cpu 1");
        scaler.tick(10 * IDLE);
        assertThat(fx.take()).isEmpty();
    }

    @Test
    void aRetiringWorkerIsReplacedOnlyWhileDemandAsks() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 1), 0);
        fx.take();
        connect("cpu", 0, "1");
        scaler.workerBusy("w1", true, 0);
        scaler.demand(Map.of(), 0);
        scaler.workerRetiring("w1", 10);
        assertThat(fx.take()).as("nothing staged: no replacement").isEmpty();
        scaler.demand(Map.of(CPU1, 1), 20);
        assertThat(fx.take()).containsExactly("submit cpu 1");
    }

    @Test
    void loweringMaxBelowTheWorkersShrinksLikeScale() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 3), 0);
        fx.take();
        connect("cpu", 0, "1", "2", "3");
        for (String w : List.of("w1", "w2", "w3")) {
            scaler.workerBusy(w, true, 0);
        }
        scaler.demand(Map.of(), 0);
        adapt("cpu", 0, 1, AdaptPolicy.NO_PENDING_LIMIT, 10);
        assertThat(fx.take()).containsExactly("drain w1", "drain w2");
    }

    @Test
    void aManualTargetTurnsAdaptOffAndAdaptOffKeepsTheWorkers() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 2), 0);
        assertThat(fx.take()).containsExactly("submit cpu 2");
        scaler.submitted("cpu", 2, List.of("1", "2"), 1);
        scaler.adaptOff("cpu", 2);
        assertThat(scaler.pools().get(0).adapt()).isNull();
        assertThat(scaler.pools().get(0).target()).isEqualTo(2);
        scaler.demand(Map.of(CPU1, 9), 3);
        assertThat(fx.take()).as("a fixed target ignores demand").isEmpty();
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 4);
        scaler.setTarget("cpu", 1, 5);
        assertThat(scaler.pools().get(0).adapt()).isNull();
        assertThat(fx.logs).anyMatch(l -> l.contains("no longer adapts"));
    }

    @Test
    void submissionsKeepTheirBackoffWhenAdapting() {
        adapt("cpu", 0, 4, AdaptPolicy.NO_PENDING_LIMIT, 0);
        scaler.demand(Map.of(CPU1, 1), 0);
        fx.take();
        scaler.submissionFailed("cpu", 1, "sbatch: error: x", 0);
        assertThat(fx.take()).as("first failure: at once").containsExactly("submit cpu 1");
        scaler.submissionFailed("cpu", 1, "sbatch: error: x", 0);
        scaler.tick(9_999);
        assertThat(fx.take()).isEmpty();
        scaler.tick(10_000);
        assertThat(fx.take()).containsExactly("submit cpu 1");
    }

    @Test
    void policiesOutsideTheirBoundsAreRefused() {
        assertThatThrownBy(() -> new AdaptPolicy(3, 2, IDLE, 1)).hasMessageContaining("--max");
        assertThatThrownBy(() -> new AdaptPolicy(-1, 2, IDLE, 1)).hasMessageContaining("--min");
        assertThatThrownBy(() -> new AdaptPolicy(0, 2, IDLE, 0)).hasMessageContaining("--max-pending");
    }
}
