package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@link SchedulerCore#deferDispatch}, events only mark dispatch as due; one dispatch serves the whole batch. */
class DeferredDispatchTest {
    @Test
    void eventsOfABatchStartNothingUntilTheBatchEndsThenStartInStagingOrder() {
        RecordingOutbox out = new RecordingOutbox();
        SchedulerCore<Object> core = CoreFixtures.core(out, Map.of());
        core.deferDispatch();
        core.workerJoined(worker("a", 2, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of()), run("3", Map.of())), 0);
        core.workerJoined(worker("b", 1, Map.of()), List.of(), 0);
        assertThat(out.starts).isEmpty();

        core.dispatchPending(1);
        assertThat(out.startedIds()).containsExactly("1", "2", "3");
        assertThat(out.workerOf("3")).isEqualTo("b");
        core.dispatchPending(2);
        assertThat(out.startedIds()).as("nothing was due").hasSize(3);
    }

    @Test
    void aBatchOfEndsRefillsTheSlotsOnceWithTheSameDecisionsAsOneDispatchPerEvent() {
        List<String> deferred = scenario(true);
        List<String> eager = scenario(false);
        assertThat(deferred).isEqualTo(eager);
    }

    /** Two 2-slot workers, eight runs; the first four end in one batch. Returns "run@worker" of every start. */
    private static List<String> scenario(boolean defer) {
        RecordingOutbox out = new RecordingOutbox();
        SchedulerCore<Object> core = CoreFixtures.core(out, Map.of());
        if (defer) {
            core.deferDispatch();
        }
        core.workerJoined(worker("a", 2, Map.of()), List.of(), 0);
        core.workerJoined(worker("b", 2, Map.of()), List.of(), 0);
        List<NewRun<Object>> runs = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            runs.add(run(Integer.toString(i), Map.of()));
        }
        core.runsStaged(runs, 0);
        core.dispatchPending(0);
        for (String id : List.of("1", "2", "3", "4")) {
            core.runFinished(RunId.of(id), WorkerId.of(out.workerOf(id)), 0, false, null, 5);
        }
        core.dispatchPending(5);
        List<String> starts = new ArrayList<>();
        for (RecordingOutbox.Start s : out.starts) {
            starts.add(s.runId() + "@" + s.worker());
        }
        return starts;
    }
}
