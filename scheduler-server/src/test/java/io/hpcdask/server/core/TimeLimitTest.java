package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An attempt running past its time limit is killed and the run ends {@code timeout}, never completed. */
class TimeLimitTest {
    private final RecordingOutbox out = new RecordingOutbox();
    private final SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 1_000), out);

    private static RunPolicy limit(long millis) {
        return new RunPolicy(0, millis, 0, 0, List.of());
    }

    @Test
    void runIsKilledAtItsLimitAndEndsTimeoutWithItsExitCode() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), limit(5_000))), 100);
        assertThat(core.nextDeadline()).isEqualTo(5_100);
        core.tick(5_099);
        assertThat(out.cancels).isEmpty();
        core.tick(5_100);
        assertThat(out.cancels).containsExactly(new RecordingOutbox.Cancel("1", "a"));
        assertThat(out.logs).contains("Run 1 reached its time limit of 5 s on attempt 1; killing it");
        assertThat(core.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 1, 143, true, null, false, 5_200);
        StateChange last = out.changes.get(out.changes.size() - 1);
        assertThat(last.to()).isEqualTo(RunState.TIMEOUT);
        assertThat(last.exitCode()).isEqualTo(143);
        assertThat(core.run(RunId.of("1"))).isEmpty();
    }

    @Test
    void aRunThatExitsZeroAfterItsLimitPassedIsStillTimeout() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), limit(1_000))), 0);
        core.tick(1_000);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 0, false, null, 1_001);
        assertThat(out.changes.get(out.changes.size() - 1).to()).isEqualTo(RunState.TIMEOUT);
    }

    @Test
    void theLimitCountsPerAttemptAndOnlyTheEarliestIsDue() {
        core.workerJoined(worker("a", 2, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), limit(10_000)), run("2", Map.of(), limit(3_000)),
                run("3", Map.of())), 0);
        assertThat(core.nextDeadline()).isEqualTo(3_000);
        core.runFinished(RunId.of("2"), WorkerId.of("a"), 0, false, null, 2_000); // 3 starts, no limit
        assertThat(core.nextDeadline()).isEqualTo(10_000);
        core.workerLost(WorkerId.of("a"), "killed", 4_000);
        core.tick(5_000); // grace over: run 1 back to staged
        core.workerJoined(worker("b", 2, Map.of()), List.of(), 6_000);
        assertThat(out.workerOf("1")).isEqualTo("b");
        assertThat(core.nextDeadline()).isEqualTo(16_000); // the second attempt has its own ten seconds
    }

    @Test
    void aRunPastItsLimitOnAnAbsentWorkerEndsTimeoutWhenTheWorkerIsGivenUp() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), limit(1_000))), 0);
        core.workerLost(WorkerId.of("a"), "silent", 500);
        core.tick(1_000);
        assertThat(out.cancels).isEmpty(); // nobody to tell
        core.tick(1_500);
        StateChange last = out.changes.get(out.changes.size() - 1);
        assertThat(last.to()).isEqualTo(RunState.TIMEOUT);
        assertThat(last.exitCode()).isNull();
    }

    @Test
    void aWorkerComingBackWithAnOverdueRunIsToldToKillIt() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), limit(1_000))), 0);
        core.workerLost(WorkerId.of("a"), "connection reset", 500);
        core.tick(1_200);
        core.workerJoined(worker("a", 1, Map.of()), List.of(RunId.of("1")), 1_300);
        assertThat(out.cancels).containsExactly(new RecordingOutbox.Cancel("1", "a"));
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 143, true, null, 1_400);
        assertThat(out.changes.get(out.changes.size() - 1).to()).isEqualTo(RunState.TIMEOUT);
    }
}
