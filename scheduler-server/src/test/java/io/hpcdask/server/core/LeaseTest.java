package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * At most one live copy of a run, in the core with an explicit clock: a silent worker's runs are re-staged only after
 * its lease plus the margin (its own copies are dead by then), a batch worker is fenced first, attempts travel with
 * every start, and a result of a superseded attempt goes to the history, never into the run's state.
 */
class LeaseTest {
    private static final long LEASE = 40_000;
    private static final long MARGIN = 10_000;
    private final RecordingOutbox out = new RecordingOutbox();
    private final SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 1_000, MARGIN), out);

    private static WorkerSpec worker(String name, String jobId, long lease) {
        Map<String, Long> resources = new HashMap<>(Map.of("cores", 1L, "memory", 1L << 30));
        return new WorkerSpec(WorkerId.of(name), "host-" + name, jobId, resources, 1, List.of(), Long.MAX_VALUE, lease);
    }

    @Test
    void aSilentWorkersRunIsRestagedOnlyAfterItsLeaseAndTheMarginAndItsJobIsFencedFirst() {
        core.workerJoined(worker("a", "123_1", LEASE), List.of(), 0);
        core.workerJoined(worker("b", "124_1", LEASE), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        assertThat(out.workerOf("1")).isEqualTo("a");
        assertThat(out.startAttempts).containsExactly(1);

        core.workerLost(WorkerId.of("a"), "silent for 3 heartbeat periods", 30_000);
        core.tick(30_000 + LEASE + MARGIN - 1);
        assertThat(out.startedIds()).as("no second copy while the first may still be alive").containsExactly("1");
        assertThat(out.fences).isEmpty();
        assertThat(core.run(RunId.of("1"))).get().extracting(CoreRun::state).isEqualTo(RunState.RUNNING);

        core.tick(30_000 + LEASE + MARGIN);
        assertThat(out.fences).containsExactly("a job 123_1");
        assertThat(out.workerOf("1")).isEqualTo("b");
        assertThat(out.startAttempts).containsExactly(1, 2);
    }

    @Test
    void aFencedWorkerThatRegistersAgainBeforeItsJobEndsIsToldToStopAndGetsNoRun() {
        core.workerJoined(worker("a", "123", LEASE), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        core.workerLost(WorkerId.of("a"), "silent for 3 heartbeat periods", 0);
        core.tick(LEASE + MARGIN);
        assertThat(out.fences).containsExactly("a job 123");

        // woken by the SIGCONT before its job's SIGTERM, the frozen JVM reconnects, still holding its old copy
        core.workerJoined(worker("a", "123", LEASE), List.of(RunId.of("1")), Map.of(RunId.of("1"), 1), LEASE + MARGIN + 200);
        assertThat(out.stops).containsExactly("a");
        assertThat(out.startedIds()).as("the re-staged run waits for another worker").containsExactly("1");
        assertThat(core.run(RunId.of("1"))).get().extracting(CoreRun::state).isEqualTo(RunState.STAGED);

        core.workerLost(WorkerId.of("a"), "connection closed", LEASE + MARGIN + 400);
        core.workerJoined(worker("b", "124", LEASE), List.of(), LEASE + MARGIN + 5_000);
        assertThat(out.workerOf("1")).isEqualTo("b");
        assertThat(out.startAttempts).containsExactly(1, 2);
        core.tick(3 * (LEASE + MARGIN));
        assertThat(out.fences).as("fenced once").containsExactly("a job 123");
    }

    @Test
    void aLocalWorkerWithoutAJobIsNotFencedAndAWorkerWithoutALeaseKeepsTheReconnectGrace() {
        core.workerJoined(worker("a", "", LEASE), List.of(), 0);
        core.workerJoined(worker("old", "", 0), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of())), 0);
        core.workerLost(WorkerId.of("a"), "connection closed", 0);
        core.workerLost(WorkerId.of("old"), "connection closed", 0);
        core.tick(1_000);
        assertThat(core.run(RunId.of("2"))).get().extracting(CoreRun::state).isEqualTo(RunState.STAGED);
        assertThat(core.run(RunId.of("1"))).get().extracting(CoreRun::state).isEqualTo(RunState.RUNNING);
        core.tick(LEASE + MARGIN);
        assertThat(core.run(RunId.of("1"))).get().extracting(CoreRun::state).isEqualTo(RunState.STAGED);
        assertThat(out.fences).isEmpty();
    }

    @Test
    void aWorkerBackWithinItsLeaseKeepsItsRunAndItsResultCountsOnce() {
        core.workerJoined(worker("a", "", LEASE), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        core.workerLost(WorkerId.of("a"), "connection closed", 10);
        core.workerJoined(worker("a", "", LEASE), List.of(RunId.of("1")), Map.of(RunId.of("1"), 1), 20_000);
        core.tick(LEASE + MARGIN + 30_000);
        assertThat(out.startedIds()).containsExactly("1");
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 1, 0, false, null, false, 60_000);
        assertThat(out.changes).extracting(StateChange::to).containsExactly(RunState.RUNNING, RunState.COMPLETED);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 1, 0, false, null, false, 60_001);
        assertThat(out.changes).as("a repeated report changes nothing").hasSize(2);
        assertThat(out.superseded).containsExactly("1 attempt 1 on a: completed");
    }

    @Test
    void aResultOfASupersededAttemptGoesToTheHistoryOnly() {
        core.workerJoined(worker("a", "", LEASE), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        core.workerLost(WorkerId.of("a"), "silent", 0);
        core.workerJoined(worker("b", "", LEASE), List.of(), 1);
        core.tick(LEASE + MARGIN);
        assertThat(out.workerOf("1")).isEqualTo("b");

        // a comes back late holding its old copy (attempt 1) and reports it completed: history, not the run's state
        core.workerJoined(worker("a", "", LEASE), List.of(RunId.of("1")), Map.of(RunId.of("1"), 1), LEASE + MARGIN + 5);
        assertThat(out.cancels).contains(new RecordingOutbox.Cancel("1", "a"));
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 1, 0, false, null, false, LEASE + MARGIN + 6);
        assertThat(core.run(RunId.of("1"))).get().satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.RUNNING);
            assertThat(r.worker()).isEqualTo(WorkerId.of("b"));
            assertThat(r.attempts()).isEqualTo(2);
        });
        assertThat(out.superseded).containsExactly("1 attempt 1 on a: completed");

        // an old attempt's report from the run's current worker is history too
        core.runFinished(RunId.of("1"), WorkerId.of("b"), 1, 3, false, null, false, LEASE + MARGIN + 7);
        assertThat(core.run(RunId.of("1"))).get().extracting(CoreRun::state).isEqualTo(RunState.RUNNING);
        core.runFinished(RunId.of("1"), WorkerId.of("b"), 2, 0, false, null, false, LEASE + MARGIN + 8);
        assertThat(out.changes).extracting(StateChange::to).filteredOn(RunState::isFinal).containsExactly(RunState.COMPLETED);
    }

    @Test
    void aRunTheWorkerAbandonedWhenItsLeaseRanOutIsRestagedNotTerminated() {
        core.workerJoined(worker("a", "", LEASE), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        core.workerLost(WorkerId.of("a"), "silent", 0);
        core.workerJoined(worker("a", "", LEASE), List.of(RunId.of("1")), Map.of(RunId.of("1"), 1), 45_000);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 1, 137, true, null, true, 45_001);
        assertThat(out.changes).extracting(StateChange::to)
                .containsExactly(RunState.RUNNING, RunState.STAGED, RunState.RUNNING);
        assertThat(out.startAttempts).containsExactly(1, 2);
        assertThat(out.logs).anyMatch(l -> l.contains("Run 1 re-staged: worker a killed it when its lease ran out"));
    }

    @Test
    void clusterDownRecordsRunningRunsTerminatedAndKeepsStagedOnes() {
        core.workerJoined(worker("a", "", LEASE), List.of(), 0);
        core.workerJoined(worker("b", "", LEASE), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of()), run("3", Map.of())), 0);
        core.workerLost(WorkerId.of("b"), "connection closed", 1);
        out.clear();
        core.shutdown(true, 5);
        assertThat(out.stops).containsExactly("a");
        assertThat(out.changes).extracting(c -> c.runId().value(), StateChange::to, StateChange::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1", RunState.TERMINATED, "cluster stopped"),
                org.assertj.core.groups.Tuple.tuple("2", RunState.TERMINATED, "cluster stopped"));
        assertThat(core.run(RunId.of("3"))).get().extracting(CoreRun::state).isEqualTo(RunState.STAGED);
    }
}
