package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.priority;
import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Higher priority first, staging order within a priority, and how priority meets the anti-starvation reservation. */
class PriorityTest {
    private final RecordingOutbox out = new RecordingOutbox();

    @Test
    void higherPriorityStartsFirstAndStagingOrderHoldsWithinAPriority() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 50, 0), out);
        core.runsStaged(List.of(run("1", Map.of(), priority(0)), run("2", Map.of("foo", 1L), priority(5)),
                run("3", Map.of(), priority(5)), run("4", Map.of(), priority(-2)), run("5", Map.of(), priority(0))), 0);
        core.workerJoined(worker("a", 1, Map.of("foo", 1L)), List.of(), 1);
        for (long now = 2; now < 7; now++) {
            String running = out.startedIds().get(out.startedIds().size() - 1);
            core.runFinished(RunId.of(running), WorkerId.of("a"), 0, false, null, now);
        }
        assertThat(out.startedIds()).containsExactly("2", "3", "1", "5", "4");
    }

    @Test
    void aRestagedRunKeepsItsPlaceAmongItsPriority() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 50, 0), out);
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), priority(1)), run("2", Map.of(), priority(1)),
                run("3", Map.of(), priority(0))), 0);
        core.workerLost(WorkerId.of("a"), "killed", 1);
        core.workerJoined(worker("b", 1, Map.of()), List.of(), 2);
        assertThat(out.startedIds()).containsExactly("1", "1");
    }

    /**
     * A low-priority big run is passed over only by runs ranked after it: behind small runs of its own priority it
     * reserves a worker after the configured number of passes, as without priorities.
     */
    @Test
    void aLowPriorityBigRunStillGetsItsReservation() {
        int passes = 4;
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, passes, 0), out);
        core.workerJoined(worker("a", 8, Map.of("foo", 4L)), List.of(), 0);
        List<NewRun<Object>> small = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            small.add(run("s" + i, Map.of("foo", 1L), priority(-5)));
        }
        core.runsStaged(small, 0);
        core.runsStaged(List.of(run("big", Map.of("foo", 4L), priority(-5))), 1);
        int next = 4;
        long now = 2;
        while (!out.startedIds().contains("big") && next < 200) {
            String oldest = core.activeRuns().stream().filter(r -> r.state() == RunState.RUNNING)
                    .map(r -> r.id().value()).findFirst().orElseThrow();
            core.runsStaged(List.of(run("s" + next++, Map.of("foo", 1L), priority(-9))), now);
            core.runFinished(RunId.of(oldest), WorkerId.of("a"), 0, false, null, now++);
        }
        assertThat(out.logs).anyMatch(l -> l.startsWith("Reserving worker a for staged run big"));
        assertThat(out.startedIds().indexOf("big") - 4).isLessThanOrEqualTo(passes + 4);
    }

    /** Once reserved, the worker is kept for the big run even against a run of a higher priority staged later. */
    @Test
    void aReservationHoldsAgainstHigherPriorityRuns() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 1, 0), out);
        core.workerJoined(worker("a", 8, Map.of("foo", 2L)), List.of(), 0);
        core.runsStaged(List.of(run("s1", Map.of("foo", 1L))), 0);
        core.runsStaged(List.of(run("big", Map.of("foo", 2L)), run("s2", Map.of("foo", 1L))), 1);
        assertThat(core.workers().get(0).reservedFor()).isEqualTo(RunId.of("big"));
        core.runsStaged(List.of(run("urgent", Map.of(), priority(100))), 2);
        assertThat(out.startedIds()).containsExactly("s1", "s2");
        core.runFinished(RunId.of("s1"), WorkerId.of("a"), 0, false, null, 3);
        core.runFinished(RunId.of("s2"), WorkerId.of("a"), 0, false, null, 4);
        assertThat(out.startedIds()).containsExactly("s1", "s2", "big", "urgent");
    }

    /** Runs of a higher priority are ahead of a big run, not passing it over: they never make it reserve. */
    @Test
    void higherPriorityRunsDoNotCountAsPassingOver() {
        SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 1, 0), out);
        core.workerJoined(worker("a", 8, Map.of("foo", 2L)), List.of(), 0);
        core.runsStaged(List.of(run("s1", Map.of("foo", 1L), priority(3))), 0);
        core.runsStaged(List.of(run("big", Map.of("foo", 2L)), run("s2", Map.of("foo", 1L), priority(3))), 1);
        assertThat(out.startedIds()).containsExactly("s1", "s2");
        assertThat(core.workers().get(0).reservedFor()).isNull();
        assertThat(out.logs).noneMatch(l -> l.startsWith("Reserving"));
    }
}
