package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retries after a non-zero exit, the per-run attempt limit for lost workers, and a retry by the user. */
class RetriesTest {
    private final RecordingOutbox out = new RecordingOutbox();
    private final SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 0), out);

    private static RunPolicy policy(int maxAttempts, int retries) {
        return new RunPolicy(0, 0, maxAttempts, retries, List.of());
    }

    @Test
    void aFailingRunIsRetriedAsNewAttemptsThenEndsInError() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), policy(0, 2))), 0);
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(out.startAttempts.get(out.startAttempts.size() - 1)).isEqualTo(attempt);
            core.runFinished(RunId.of("1"), WorkerId.of("a"), attempt, 1, false, null, false, attempt);
        }
        assertThat(out.changes).extracting(StateChange::to).containsExactly(RunState.RUNNING, RunState.STAGED,
                RunState.RUNNING, RunState.STAGED, RunState.RUNNING, RunState.ERROR);
        StateChange firstRetry = out.changes.get(1);
        assertThat(firstRetry.reason()).isEqualTo("it exited with code 1 (retry 1 of 2)");
        assertThat(firstRetry.retried()).isEqualTo(1);
        assertThat(firstRetry.exitCode()).isEqualTo(1);
        assertThat(out.changes.get(5).exitCode()).isEqualTo(1);
        assertThat(out.changes.get(5).attempts()).isEqualTo(3);
    }

    @Test
    void aSuccessfulRetryCompletes() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), policy(0, 5))), 0);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 1, 2, false, null, false, 1);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 2, 0, false, null, false, 2);
        assertThat(out.changes.get(out.changes.size() - 1).to()).isEqualTo(RunState.COMPLETED);
    }

    @Test
    void withoutRetriesAnErrorIsFinalAndACancelIsNeverRetried() {
        core.workerJoined(worker("a", 2, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of(), policy(0, 3))), 0);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 1, 1, false, null, false, 1);
        core.cancelRun(RunId.of("2"), 2);
        core.runFinished(RunId.of("2"), WorkerId.of("a"), 1, 143, true, null, false, 3);
        assertThat(out.changes).extracting(StateChange::to).containsExactly(RunState.RUNNING, RunState.RUNNING,
                RunState.ERROR, RunState.TERMINATED);
    }

    @Test
    void maxAttemptsIsPerRun() {
        core.runsStaged(List.of(run("1", Map.of(), policy(1, 0)), run("5", Map.of(), policy(5, 0))), 0);
        for (int i = 1; i <= 5; i++) {
            core.workerJoined(worker("w" + i, 2, Map.of()), List.of(), i);
            core.workerLost(WorkerId.of("w" + i), "killed", i);
        }
        assertThat(out.changes.stream().filter(c -> c.to() == RunState.LOST).map(c -> c.runId().value() + "@"
                + c.attempts()).toList()).containsExactly("1@1", "5@5");
        assertThat(out.logs).contains("Run 5 lost: its worker w5 was lost on attempt 5 of 5");
    }

    @Test
    void aRetryStartsANewCountOfLostWorkers() {
        core.runsStaged(List.of(run("1", Map.of(), policy(2, 1))), 0);
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 1);
        core.workerLost(WorkerId.of("a"), "killed", 2); // attempt 1 lost
        core.workerJoined(worker("b", 1, Map.of()), List.of(), 3);
        core.runFinished(RunId.of("1"), WorkerId.of("b"), 2, 1, false, null, false, 4); // error: retry 1 of 1
        core.workerLost(WorkerId.of("b"), "killed", 5); // attempt 3, the first of the new try
        core.workerJoined(worker("c", 1, Map.of()), List.of(), 6);
        assertThat(out.startAttempts).containsExactly(1, 2, 3, 4);
        core.workerLost(WorkerId.of("c"), "killed", 7);
        assertThat(out.changes.get(out.changes.size() - 1).to()).isEqualTo(RunState.LOST);
    }

    @Test
    void aRetryByTheUserStagesTheSameRunAsItsNextAttempt() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.retryRun(run("7", Map.of()), RunState.ERROR, 2, 10);
        StateChange restaged = out.changes.get(0);
        assertThat(restaged.from()).isEqualTo(RunState.ERROR);
        assertThat(restaged.to()).isEqualTo(RunState.STAGED);
        assertThat(restaged.reason()).isEqualTo("retried by user");
        assertThat(out.startAttempts).containsExactly(3);
        assertThat(out.changes.get(1).to()).isEqualTo(RunState.RUNNING);
    }
}
