package io.hpcdask.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs sent ahead to busy workers: sent only when no worker can start them now, holding nothing until the worker says
 * they started, and staged again (never run twice) when the worker gives them back, is lost or drains.
 */
class AheadRunsTest {
    private static final WorkerId W0 = WorkerId.of("w0");
    private static final WorkerId W1 = WorkerId.of("w1");
    private final RecordingOutbox out = new RecordingOutbox();
    private SchedulerCore<Object> core;
    private long now = 1_000;

    @BeforeEach
    void twoWorkersOfOneSlot() {
        core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 50, 5_000, 1_000).withAheadPerSlot(1), out);
        core.start(now);
        join(W0);
        join(W1);
    }

    private void join(WorkerId name) {
        core.workerJoined(new WorkerSpec(name, "h", "", Map.of("cores", 1L), 1, List.of(), Long.MAX_VALUE, 2_000),
                List.of(), now);
    }

    private void stage(int n) {
        List<NewRun<Object>> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            runs.add(new NewRun<>(RunId.of("r" + i), Map.of(), null));
        }
        core.runsStaged(runs, now);
    }

    private CoreRun view(String id) {
        return core.run(RunId.of(id)).orElseThrow();
    }

    private List<String> changes() {
        return out.changes.stream().map(c -> c.runId().value() + " " + c.from().label() + ">" + c.to().label()).toList();
    }

    @Test
    void aRunIsSentAheadOnlyWhenNoWorkerCanStartItAndHoldsNothingThere() {
        stage(5);
        assertThat(out.starts).extracting(RecordingOutbox.Start::runId, RecordingOutbox.Start::worker)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r0", "w0"), org.assertj.core.groups.Tuple.tuple("r1", "w1"),
                        org.assertj.core.groups.Tuple.tuple("r2", "w0"), org.assertj.core.groups.Tuple.tuple("r3", "w1"));
        assertThat(changes()).containsExactly("r0 staged>running", "r1 staged>running");
        assertThat(view("r2").state()).isEqualTo(RunState.STAGED);
        assertThat(view("r2").worker()).isEqualTo(W0);
        assertThat(core.waitReason(RunId.of("r2"))).isEqualTo("sent ahead to worker w0: it starts there when a slot frees");
        assertThat(core.runningCount()).isEqualTo(2);
        assertThat(core.aheadCount()).isEqualTo(2);
        assertThat(core.stagedCount()).isEqualTo(1);
        assertThat(core.workers()).allSatisfy(w -> assertThat(w.slotsUsed()).isEqualTo(1));
    }

    @Test
    void aRunSentAheadTakesItsSlotWhenTheWorkerSaysItStartedAndTheNextIsSentAhead() {
        stage(5);
        out.clear();
        now += 10;
        core.runFinished(RunId.of("r0"), W0, 1, 0, false, null, false, now);
        assertThat(out.starts).as("w0 starts the run it holds ahead itself: nothing is sent to it directly").isEmpty();
        assertThat(core.workers().get(0).slotsUsed()).isZero();
        now += 1;
        core.runStarted(RunId.of("r2"), W0, 1, now);
        assertThat(changes()).containsExactly("r0 running>completed", "r2 staged>running");
        assertThat(out.changes.get(1).timeMillis()).as("startedAt is when the process started").isEqualTo(now);
        assertThat(core.workers().get(0).slotsUsed()).isEqualTo(1);
        assertThat(out.startedIds()).containsExactly("r4");
        assertThat(out.workerOf("r4")).isEqualTo("w0");
        assertThat(core.aheadCount()).isEqualTo(2);
    }

    @Test
    void aWorkerWhoseShareIsFullIsRefilledOnlyOnceHalfOfItStartedAndThenAllAtOnce() {
        core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 50, 5_000, 1_000).withAheadPerSlot(4), out);
        core.start(now);
        join(W0);
        stage(10);
        assertThat(out.startedIds()).containsExactly("r0", "r1", "r2", "r3", "r4");
        out.clear();
        core.runFinished(RunId.of("r0"), W0, 1, 0, false, null, false, ++now);
        core.runStarted(RunId.of("r1"), W0, 1, ++now);
        assertThat(out.startedIds()).as("3 of its share of 4 still held: nothing more yet").isEmpty();
        core.runFinished(RunId.of("r1"), W0, 1, 0, false, null, false, ++now);
        core.runStarted(RunId.of("r2"), W0, 1, ++now);
        assertThat(out.startedIds()).as("half of the share started: filled up again in one go").containsExactly("r5", "r6");
        assertThat(core.aheadCount()).isEqualTo(4);
        out.clear();
        core.runFinished(RunId.of("r2"), W0, 1, 0, false, null, false, ++now);
        core.runStarted(RunId.of("r3"), W0, 1, ++now);
        assertThat(out.startedIds()).isEmpty();
    }

    @Test
    void aCancelledRunSentAheadEndsTerminatedAndNeverRan() {
        stage(3);
        core.cancelRun(RunId.of("r2"), now);
        assertThat(out.cancels).extracting(RecordingOutbox.Cancel::runId).containsExactly("r2");
        out.changes.clear();
        core.runFinished(RunId.of("r2"), W0, 1, -1, true, SchedulerCore.NOT_HELD_ERROR, false, now);
        assertThat(changes()).containsExactly("r2 staged>terminated");
        assertThat(core.aheadCount()).isZero();
    }

    @Test
    void aRunGivenBackIsStagedAgainWithItsAttemptUncountedAndGoesElsewhere() {
        stage(3);
        out.clear();
        core.drainWorker(W0, "test", now);
        core.runReturned(RunId.of("r2"), W0, 1, now);
        assertThat(out.changes).as("it was staged all along for the store").isEmpty();
        assertThat(out.startedIds()).as("w1 is busy: it goes there ahead").containsExactly("r2");
        assertThat(out.workerOf("r2")).isEqualTo("w1");
        assertThat(out.startAttempts).containsExactly(1);
    }

    @Test
    void aLostWorkersRunsAheadWaitForItsLeaseThenAreStagedAgain() {
        stage(3);
        out.clear();
        core.workerLost(W0, "reset", now);
        assertThat(core.aheadCount()).isEqualTo(1);
        now += 5_100; // the reconnect grace, longer here than its lease and the margin
        core.tick(now);
        assertThat(changes()).containsExactly("r0 running>staged");
        assertThat(view("r2").state()).isEqualTo(RunState.STAGED);
        assertThat(view("r2").worker()).isNull();
        assertThat(core.aheadCount()).as("r0 again, now ahead on the busy w1").isEqualTo(1);
        assertThat(out.workerOf("r0")).isEqualTo("w1");
        assertThat(core.stagedCount()).isEqualTo(1);
    }

    @Test
    void aWorkerBackHoldingARunSentAheadStartedItAndOneBackWithoutItNeverDid() {
        stage(4);
        out.clear();
        core.workerLost(W0, "reset", now);
        core.workerLost(W1, "reset", now);
        now += 100;
        core.workerJoined(new WorkerSpec(W0, "h", "", Map.of("cores", 1L), 1, List.of(), Long.MAX_VALUE, 2_000),
                List.of(RunId.of("r2")), Map.of(RunId.of("r2"), 1), now);
        assertThat(view("r2").state()).isEqualTo(RunState.RUNNING);
        assertThat(changes()).containsExactly("r0 running>staged", "r2 staged>running");
        assertThat(out.startAttempts).as("r0 again, ahead to w0").containsExactly(2);
        out.clear();
        core.workerJoined(new WorkerSpec(W1, "h", "", Map.of("cores", 1L), 1, List.of(), Long.MAX_VALUE, 2_000),
                List.of(RunId.of("r1")), Map.of(RunId.of("r1"), 1), now);
        assertThat(changes()).as("r3 never started there: staged as it was, then sent again").isEmpty();
        assertThat(view("r1").state()).isEqualTo(RunState.RUNNING);
        assertThat(out.startAttempts).as("r3 again, ahead to w1; its first attempt did not count").containsExactly(1);
    }

    @Test
    void runsNamingGpusAreNotSentAhead() {
        core.runsStaged(List.of(new NewRun<>(RunId.of("g0"), Map.of(), null), new NewRun<>(RunId.of("g1"), Map.of(), null),
                new NewRun<>(RunId.of("g2"), Map.of("gpu", 1L), null)), now);
        assertThat(out.startedIds()).containsExactly("g0", "g1");
        assertThat(view("g2").worker()).isNull();
    }
}
