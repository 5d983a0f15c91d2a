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

/**
 * A big run (foo=4) behind a stream of small ones (foo=1) on workers with foo=4: without a rule the small ones refill
 * every unit of foo as it frees, and the big one never fits.
 */
class AntiStarvationTest {
    private final RecordingOutbox out = new RecordingOutbox();

    @Test
    void bigRunStartsAfterABoundedNumberOfLaterRuns() {
        int passes = 5;
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, passes, 0), out);
        core.workerJoined(worker("a", 8, Map.of("foo", 4L)), List.of(), 0);
        core.workerJoined(worker("b", 8, Map.of("foo", 4L)), List.of(), 0);
        List<NewRun<Object>> small = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            small.add(run("s" + i, Map.of("foo", 1L)));
        }
        core.runsStaged(small, 0); // fills foo on both workers
        core.runsStaged(List.of(run("big", Map.of("foo", 4L))), 1);
        int next = 8;
        long now = 2;
        // keep small runs coming: finish the oldest running one, stage a new one, as a busy cluster would
        while (!out.startedIds().contains("big") && next < 1_000) {
            String oldest = core.activeRuns().stream().filter(r -> r.state() == RunState.RUNNING)
                    .map(r -> r.id().value()).findFirst().orElseThrow();
            core.runsStaged(List.of(run("s" + next++, Map.of("foo", 1L))), now);
            core.runFinished(RunId.of(oldest), WorkerId.of(out.workerOf(oldest)), 0, false, null, now++);
        }
        assertThat(out.startedIds()).contains("big");
        int startedBefore = out.startedIds().indexOf("big");
        // passed over at most `passes` times, then it waits only for the runs already on the reserved worker (4)
        assertThat(startedBefore - 8).isLessThanOrEqualTo(passes + 4);
        assertThat(out.logs).anyMatch(l -> l.startsWith("Reserving worker ") && l.contains("for staged run big"));
    }

    @Test
    void withoutContentionNoWorkerIsReserved() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 2, 0), out);
        core.workerJoined(worker("a", 8, Map.of("foo", 4L)), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of("foo", 4L)), run("2", Map.of("foo", 4L))), 0);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 0, false, null, 1);
        assertThat(out.startedIds()).containsExactly("1", "2");
        assertThat(out.logs).noneMatch(l -> l.startsWith("Reserving"));
    }

    @Test
    void reservedWorkerTakesNothingElse() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 1, 0), out);
        core.workerJoined(worker("a", 8, Map.of("foo", 2L)), List.of(), 0);
        core.runsStaged(List.of(run("s1", Map.of("foo", 1L))), 0);
        core.runsStaged(List.of(run("big", Map.of("foo", 2L)), run("s2", Map.of("foo", 1L))), 1);
        // s2 passed big once: big reserves a; the next small run must not take the freed unit
        assertThat(core.workers().get(0).reservedFor()).isEqualTo(RunId.of("big"));
        core.runsStaged(List.of(run("s3", Map.of())), 2);
        assertThat(out.startedIds()).containsExactly("s1", "s2");
        assertThat(core.waitReason(RunId.of("big"))).isEqualTo("waiting for reserved worker a to free up");
        core.runFinished(RunId.of("s1"), WorkerId.of("a"), 0, false, null, 3);
        assertThat(out.startedIds()).containsExactly("s1", "s2");
        core.runFinished(RunId.of("s2"), WorkerId.of("a"), 0, false, null, 4);
        assertThat(out.startedIds()).containsExactly("s1", "s2", "big", "s3");
        assertThat(core.workers().get(0).reservedFor()).isNull();
    }
}
