package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.gpuWorker;
import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * State changes are written behind: a server can be killed after it sent a run to a worker and before the store
 * committed that start. The restarted server then has the run staged while the worker holds its copy.
 */
class UnrecordedStartTest {
    private final RecordingOutbox before = new RecordingOutbox();
    private final RecordingOutbox after = new RecordingOutbox();

    /** The first server dispatches run 1 to w, and its store never commits the start. */
    private SchedulerCore<Object> restartedWithUncommittedStart(Map<String, Long> requires, WorkerSpec w) {
        SchedulerCore<Object> first = CoreFixtures.core(before, Map.of());
        first.workerJoined(w, List.of(), 0);
        first.runsStaged(List.of(run("1", requires)), 10);
        assertThat(before.startAttempts).containsExactly(1);

        SchedulerCore<Object> second = CoreFixtures.core(after, Map.of());
        second.restoreStaged(run("1", requires), 0, 10); // what the store still says: staged, never started
        second.start(1_000);
        return second;
    }

    @Test
    void theWorkersCopyCarriesOnAndTheRunEndsOnceWithoutASecondStart() {
        SchedulerCore<Object> core = restartedWithUncommittedStart(Map.of(), worker("w", 1, Map.of()));

        core.workerJoined(worker("w", 1, Map.of()), List.of(RunId.of("1")), Map.of(RunId.of("1"), 1), 1_100);
        assertThat(after.starts).as("no second copy").isEmpty();
        assertThat(after.cancels).as("the only copy is not cancelled").isEmpty();
        assertThat(after.changes).extracting(StateChange::to, StateChange::attempts, c -> c.worker().name())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(RunState.RUNNING, 1, "w"));
        assertThat(core.workers().get(0).slotsUsed()).isEqualTo(1);

        core.runFinished(RunId.of("1"), WorkerId.of("w"), 1, 0, false, null, false, 2_000);
        assertThat(after.changes).extracting(StateChange::to).containsExactly(RunState.RUNNING, RunState.COMPLETED);
        assertThat(after.changes.get(1).attempts()).isEqualTo(1);
        assertThat(core.run(RunId.of("1"))).isEmpty();
        assertThat(core.workers().get(0).slotsUsed()).isZero();
    }

    @Test
    void aHeldCopyOfAnAttemptTheStoreAlreadyHasIsStillAStranger() {
        SchedulerCore<Object> core = CoreFixtures.core(after, Map.of());
        core.restoreStaged(run("1", Map.of()), 1, 10); // attempt 1 was recorded and re-staged: that copy is stale
        core.start(1_000);
        core.workerJoined(worker("w", 1, Map.of()), List.of(RunId.of("1")), Map.of(RunId.of("1"), 1), 1_100);
        assertThat(after.cancels).extracting(RecordingOutbox.Cancel::runId).containsExactly("1");
        assertThat(after.startAttempts).containsExactly(2);
    }

    @Test
    void aGpuRunIsCancelledThereAndStartedAgainSinceItsDevicesAreNotKnown() {
        WorkerSpec w = gpuWorker("g", 1, List.of("0", "1"));
        SchedulerCore<Object> core = restartedWithUncommittedStart(Map.of("gpu", 1L), w);
        core.workerJoined(w, List.of(RunId.of("1")), Map.of(RunId.of("1"), 1), 1_100);
        assertThat(after.cancels).extracting(RecordingOutbox.Cancel::runId).containsExactly("1");
        assertThat(after.startAttempts).containsExactly(1);
    }
}
