package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.core;
import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 9, row 8, in the core: a run the server could not hand to its worker, and a cancel its worker does not hold. */
class StartFailureTest {
    private final RecordingOutbox out = new RecordingOutbox();
    private final SchedulerCore core = core(out, Map.of());

    @Test
    void aRunThatCouldNotBeHandedOnEndsInErrorWithItsReasonAndFreesItsSlot() {
        core.workerJoined(worker("w", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of())), 1);
        assertThat(out.startedIds()).containsExactly("1");

        core.startFailed("1", "w", "cannot create the log of run 1: Not a directory", 2);

        StateChange failed = out.changes.stream().filter(c -> c.runId().equals("1") && c.to().isFinal()).findFirst()
                .orElseThrow();
        assertThat(failed.to()).isEqualTo(RunState.ERROR);
        assertThat(failed.exitCode()).isNull();
        assertThat(failed.reason()).isEqualTo("cannot create the log of run 1: Not a directory");
        assertThat(out.logs).contains("Run 1 failed: cannot create the log of run 1: Not a directory",
                "Run 1 ended in error");
        assertThat(out.startedIds()).as("its slot went to the next run").containsExactly("1", "2");
        assertThat(core.run("1")).isEmpty();
        assertThat(core.runningCount()).isEqualTo(1);

        core.startFailed("1", "w", "again", 3); // late or repeated: ignored
        core.startFailed("2", "other", "not there", 3);
        assertThat(core.run("2")).map(CoreRun::state).contains(RunState.RUNNING);
    }

    @Test
    void cancelOfARunItsWorkerDoesNotHoldEndsItWhenTheWorkerSaysSo() {
        core.workerJoined(worker("w", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of())), 1);
        assertThat(core.cancelRun("1", 2)).isTrue();
        assertThat(out.cancels).containsExactly(new RecordingOutbox.Cancel("1", "w"));

        core.runFinished("1", "w", -1, true, "not running on this worker", 3);

        StateChange end = out.changes.get(out.changes.size() - 2);
        assertThat(end.runId()).isEqualTo("1");
        assertThat(end.to()).isEqualTo(RunState.TERMINATED);
        assertThat(end.exitCode()).isNull();
        assertThat(out.logs).contains("Run 1 cancelled");
        assertThat(out.startedIds()).containsExactly("1", "2");
    }

    @Test
    void aRunCancelledBeforeItsStartFailedEndsTerminated() {
        core.workerJoined(worker("w", 1, Map.of()), List.of(), 0);
        core.runStaged(run("1", Map.of()), 1);
        core.cancelRun("1", 2);
        core.startFailed("1", "w", "no connection to worker w", 3);
        assertThat(out.changes.get(out.changes.size() - 1).to()).isEqualTo(RunState.TERMINATED);
        assertThat(core.runningCount()).isZero();
    }
}
