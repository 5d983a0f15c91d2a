package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.core;
import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 9, row 8, in the core: a run the server could not hand to its worker, and a cancel its worker does not hold. */
class StartFailureTest {
    private final RecordingOutbox out = new RecordingOutbox();
    private final SchedulerCore<Object> core = core(out, Map.of());

    @Test
    void aRunThatCouldNotBeHandedOnEndsInErrorWithItsReasonAndFreesItsSlot() {
        core.workerJoined(worker("w", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of())), 1);
        assertThat(out.startedIds()).containsExactly("1");

        core.startFailed(RunId.of("1"), WorkerId.of("w"), "cannot create the log of run 1: Not a directory", 2);

        StateChange failed = out.changes.stream().filter(c -> c.runId().equals(RunId.of("1")) && c.to().isFinal()).findFirst()
                .orElseThrow();
        assertThat(failed.to()).isEqualTo(RunState.ERROR);
        assertThat(failed.exitCode()).isNull();
        assertThat(failed.reason()).isEqualTo("cannot create the log of run 1: Not a directory");
        assertThat(out.logs).contains("Run 1 failed: cannot create the log of run 1: Not a directory",
                "Run 1 ended in error");
        assertThat(out.startedIds()).as("its slot went to the next run").containsExactly("1", "2");
        assertThat(core.run(RunId.of("1"))).isEmpty();
        assertThat(core.runningCount()).isEqualTo(1);

        core.startFailed(RunId.of("1"), WorkerId.of("w"), "again", 3); // late or repeated: ignored
        core.startFailed(RunId.of("2"), WorkerId.of("other"), "not there", 3);
        assertThat(core.run(RunId.of("2"))).map(CoreRun::state).contains(RunState.RUNNING);
    }

    @Test
    void cancelOfARunItsWorkerDoesNotHoldEndsItWhenTheWorkerSaysSo() {
        core.workerJoined(worker("w", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of())), 1);
        assertThat(core.cancelRun(RunId.of("1"), 2)).isTrue();
        assertThat(out.cancels).containsExactly(new RecordingOutbox.Cancel("1", "w"));

        core.runFinished(RunId.of("1"), WorkerId.of("w"), -1, true, "not running on this worker", 3);

        StateChange end = out.changes.get(out.changes.size() - 2);
        assertThat(end.runId()).isEqualTo(RunId.of("1"));
        assertThat(end.to()).isEqualTo(RunState.TERMINATED);
        assertThat(end.exitCode()).isNull();
        assertThat(out.logs).contains("Run 1 cancelled");
        assertThat(out.startedIds()).containsExactly("1", "2");
    }

    @Test
    void aRunCancelledBeforeItsStartFailedEndsTerminated() {
        core.workerJoined(worker("w", 1, Map.of()), List.of(), 0);
        core.runStaged(run("1", Map.of()), 1);
        core.cancelRun(RunId.of("1"), 2);
        core.startFailed(RunId.of("1"), WorkerId.of("w"), "no connection to worker w", 3);
        assertThat(out.changes.get(out.changes.size() - 1).to()).isEqualTo(RunState.TERMINATED);
        assertThat(core.runningCount()).isZero();
    }
}
