package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LostWorkerTest {
    private final RecordingOutbox out = new RecordingOutbox();

    @Test
    void runOfALostWorkerIsRestagedAndLostAfterThreeAttempts() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 0), out);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        for (int attempt = 1; attempt <= 3; attempt++) {
            core.workerJoined(worker("w" + attempt, 1, Map.of()), List.of(), attempt);
            assertThat(out.workerOf("1")).isEqualTo("w" + attempt);
            core.workerLost(WorkerId.of("w" + attempt), "connection closed", attempt);
        }
        assertThat(out.changes).extracting(StateChange::to).containsExactly(
                RunState.RUNNING, RunState.STAGED, RunState.RUNNING, RunState.STAGED, RunState.RUNNING, RunState.LOST);
        assertThat(out.changes.get(5).attempts()).isEqualTo(3);
        assertThat(core.run(RunId.of("1"))).isEmpty();
        assertThat(out.logs).contains("Run 1 lost: its worker w3 was lost on attempt 3 of 3");
    }

    @Test
    void restagedRunStartsOnAnotherWorkerInTheSameEvent() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 0), out);
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        core.workerJoined(worker("b", 1, Map.of()), List.of(), 0);
        core.workerLost(WorkerId.of("a"), "silent", 5);
        assertThat(out.workerOf("1")).isEqualTo("b");
    }

    @Test
    void runsWaitForTheGraceThenGoBack() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 1_000), out);
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.workerJoined(worker("b", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        core.workerLost(WorkerId.of("a"), "silent", 10);
        core.tick(500);
        assertThat(out.startedIds()).containsExactly("1");
        assertThat(core.run(RunId.of("1"))).get().extracting(CoreRun::state).isEqualTo(RunState.RUNNING);
        core.tick(1_010);
        assertThat(out.startedIds()).containsExactly("1", "1");
        assertThat(out.workerOf("1")).isEqualTo("b");
    }

    @Test
    void reconnectKeepsHeldRunsRestagesMissingOnesCancelsStrangers() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 1_000), out);
        core.workerJoined(worker("a", 3, Map.of("foo", 3L)), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of("foo", 1L)), run("2", Map.of("foo", 1L))), 0);
        core.workerLost(WorkerId.of("a"), "connection reset", 5);
        out.clear();

        core.workerJoined(worker("a", 3, Map.of("foo", 3L)), List.of(RunId.of("1"), RunId.of("99")), 100);

        assertThat(out.cancels).containsExactly(new RecordingOutbox.Cancel("99", "a"));
        assertThat(core.run(RunId.of("1"))).get().satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.RUNNING);
            assertThat(r.worker()).isEqualTo(WorkerId.of("a"));
            assertThat(r.attempts()).isEqualTo(1);
        });
        // 2 was not held: back to staged, then started again on the same worker (second attempt)
        assertThat(out.changes).extracting(c -> c.runId().value(), StateChange::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2", RunState.STAGED),
                org.assertj.core.groups.Tuple.tuple("2", RunState.RUNNING));
        assertThat(core.run(RunId.of("2"))).get().extracting(CoreRun::attempts).isEqualTo(2);
        assertThat(core.workers().get(0).used()).containsEntry("foo", 2L);
        assertThat(core.workers().get(0).slotsUsed()).isEqualTo(2);
    }

    @Test
    void reRegisteringWhileStillConnectedReconcilesToo() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 1_000), out);
        core.workerJoined(worker("a", 2, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of())), 0);
        core.workerJoined(worker("a", 2, Map.of()), List.of(RunId.of("1"), RunId.of("2")), 1);
        assertThat(out.starts).hasSize(2);
        assertThat(out.cancels).isEmpty();
        assertThat(core.workers().get(0).slotsUsed()).isEqualTo(2);
    }

    @Test
    void restoredRunningRunsWaitForTheirWorker() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 0), out);
        Assignment gpu = new Assignment(Map.of("gpu", 1L), List.of("1"));
        core.restoreRunning(run("7", Map.of("gpu", 1L)), 1, 0, WorkerId.of("g"), gpu, 10, 60_000);
        core.restoreRunning(run("8", Map.of()), 1, 0, WorkerId.of("gone"), Assignment.NONE, 10, 60_000);
        core.restoreStaged(run("9", Map.of("gpu", 1L)), 0, 5);
        core.start(1_000);
        core.workerJoined(CoreFixtures.gpuWorker("g", 2, List.of("0", "1")), List.of(RunId.of("7")), 2_000);

        assertThat(core.run(RunId.of("7"))).get().extracting(CoreRun::worker).isEqualTo(WorkerId.of("g"));
        assertThat(out.starts).singleElement().satisfies(s -> {
            assertThat(s.runId()).isEqualTo("9");
            assertThat(s.assignment().gpuIds()).containsExactly("0");
        });
        core.tick(59_999);
        assertThat(core.run(RunId.of("8"))).get().extracting(CoreRun::state).isEqualTo(RunState.RUNNING);
        core.tick(60_000);
        assertThat(core.run(RunId.of("8"))).get().extracting(CoreRun::state).isEqualTo(RunState.STAGED);
        assertThat(core.waitReason(RunId.of("8"))).isEqualTo("waiting for free resources");
    }
}
