package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.core;
import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatchTest {
    private final RecordingOutbox out = new RecordingOutbox();

    @Test
    void everySlotFillsAtOnceAndNoMore() {
        SchedulerCore<Object> core = core(out, Map.of());
        core.start(0);
        core.workerJoined(worker("a", 2, Map.of()), List.of(), 0);
        core.workerJoined(worker("b", 3, Map.of()), List.of(), 0);
        List<NewRun<Object>> runs = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            runs.add(run("" + i, Map.of()));
        }
        core.runsStaged(runs, 1);

        assertThat(out.startedIds()).containsExactly("1", "2", "3", "4", "5");
        assertThat(out.starts).extracting(RecordingOutbox.Start::worker).containsExactly("a", "a", "b", "b", "b");
        assertThat(out.starts.get(0).payload()).isEqualTo("payload-1");
        assertThat(core.waitReason(RunId.of("6"))).isEqualTo("waiting for free resources");
        assertThat(core.workers()).extracting(CoreWorker::state).containsExactly("saturated", "saturated");

        core.runFinished(RunId.of("4"), WorkerId.of("b"), 0, false, null, 2);
        assertThat(out.startedIds()).endsWith("6");
        assertThat(out.workerOf("6")).isEqualTo("b");
        assertThat(out.logs).contains("Run 4 completed");
    }

    @Test
    void namedResourcesArePerWorkerLimits() {
        SchedulerCore<Object> core = core(out, Map.of());
        core.workerJoined(worker("a", 8, Map.of("foo", 7L)), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of("foo", 5L)), run("2", Map.of("foo", 5L))), 0);
        assertThat(out.startedIds()).containsExactly("1");

        core.workerJoined(worker("b", 8, Map.of("foo", 5L)), List.of(), 1);
        assertThat(out.startedIds()).containsExactly("1", "2");
        assertThat(out.workerOf("2")).isEqualTo("b");
        assertThat(core.workers()).filteredOn(w -> w.name().equals(WorkerId.of("a"))).singleElement()
                .satisfies(w -> assertThat(w.used()).containsEntry("foo", 5L));
    }

    @Test
    void manyWorkersAndResourcesStayWithinEveryLimit() {
        SchedulerCore<Object> core = core(out, Map.of());
        Map<String, Map<String, Long>> capacity = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            Map<String, Long> named = Map.of("foo", (long) (i % 5), "bar", (long) (i % 3), "cores", 4L);
            core.workerJoined(worker("w" + i, 3, named), List.of(), 0);
            capacity.put("w" + i, named);
        }
        List<NewRun<Object>> runs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            runs.add(run("" + i, Map.of("foo", (long) (i % 3), "bar", (long) (i % 2), "cores", 1L + i % 2)));
        }
        core.runsStaged(runs, 0);
        for (CoreWorker w : core.workers()) {
            assertThat(w.slotsUsed()).isLessThanOrEqualTo(w.slots());
            w.used().forEach((k, used) -> assertThat(used).isLessThanOrEqualTo(capacity.get(w.name().name()).getOrDefault(k,
                    k.equals("memory") ? 16L << 30 : 0L)));
        }
        assertThat(out.starts).hasSizeGreaterThan(40);
        // one run never fits a worker without foo; every run here names foo 0..2, and workers w0, w5.. offer foo=0
        assertThat(out.starts).noneMatch(s -> s.assignment().resources().getOrDefault("foo", 0L)
                > capacity.get(s.worker()).get("foo"));
    }

    @Test
    void laterRunStartsFirstOnlyWhenTheEarlierDoesNotFit() {
        SchedulerCore<Object> core = core(out, Map.of());
        core.workerJoined(worker("a", 4, Map.of("foo", 6L)), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of("foo", 4L))), 0);
        // 2 needs foo=4 too: does not fit beside 1; 3 needs foo=2 and fits, so it backfills
        core.runsStaged(List.of(run("2", Map.of("foo", 4L)), run("3", Map.of("foo", 2L)), run("4", Map.of())), 1);
        assertThat(out.startedIds()).containsExactly("1", "3", "4");

        core.runFinished(RunId.of("3"), WorkerId.of("a"), 0, false, null, 2);
        // foo=2 free again; 2 still needs 4: nothing starts
        assertThat(out.startedIds()).containsExactly("1", "3", "4");
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 0, false, null, 3);
        assertThat(out.startedIds()).containsExactly("1", "3", "4", "2");
    }

    @Test
    void equalRunsStartInStagingOrder() {
        SchedulerCore<Object> core = core(out, Map.of());
        List<NewRun<Object>> runs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            runs.add(run("" + i, i % 2 == 0 ? Map.of("foo", 1L) : Map.of()));
        }
        core.runsStaged(runs, 0);
        core.workerJoined(worker("a", 1, Map.of("foo", 1L)), List.of(), 0);
        for (int i = 0; i < 49; i++) {
            core.runFinished(RunId.of(i), WorkerId.of("a"), 0, false, null, i);
        }
        assertThat(out.startedIds()).containsExactlyElementsOf(runs.stream().map(r -> r.id().value()).toList());
    }

    @Test
    void undefinedResourceIsIgnoredAndLoggedOnce() {
        SchedulerCore<Object> core = core(out, Map.of("foo", 7L));
        core.start(0);
        assertThat(out.logs).containsExactly("Starting scheduler", "Cluster resources: foo=7", "Waiting for staged runs");
        core.workerJoined(worker("a", 2, Map.of("foo", 7L)), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of("bar", 1L, "baz", 1L, "foo", 1L)), run("2", Map.of("foo", 1L))), 0);
        core.runFinished(RunId.of("2"), WorkerId.of("a"), 0, false, null, 1);
        core.tick(2);
        core.runsStaged(List.of(run("3", Map.of())), 3);

        String ignored = "Ignoring staged run 1 (requires resources not defined for cluster: bar, baz)";
        assertThat(out.logCount(ignored)).isEqualTo(1);
        assertThat(out.startedIds()).containsExactly("2", "3");
        assertThat(core.waitReason(RunId.of("1"))).isEqualTo("requires resources not defined for cluster: bar, baz");
        assertThat(out.logs).contains("Processing staged runs", "Starting staged run 2 (requires foo=1) on worker a",
                "Run 2 completed");
        assertThat(core.anyStagedCanStart()).isFalse();
        assertThat(core.nothingToDo()).isFalse(); // 3 still runs
        core.runFinished(RunId.of("3"), WorkerId.of("a"), 1, false, null, 4);
        assertThat(out.logs).contains("Run 3 exited with code 1");
        assertThat(core.nothingToDo()).isTrue();
    }

    @Test
    void declaredResourceCountsAsDefinedButTooBigWhenNoWorkerOffersEnough() {
        SchedulerCore<Object> core = core(out, Map.of("foo", 7L));
        core.workerJoined(worker("a", 2, Map.of("foo", 3L)), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of("foo", 5L)), run("2", Map.of())), 0);
        core.runsStaged(List.of(run("3", Map.of())), 1);

        assertThat(out.startedIds()).containsExactly("2", "3");
        assertThat(core.waitReason(RunId.of("1"))).isEqualTo("requires more than any worker can offer (foo=5 and one slot)");
        assertThat(out.logs.stream().filter(l -> l.startsWith("Staged run 1 waits: requires more"))).hasSize(1);

        core.workerJoined(worker("big", 1, Map.of("foo", 5L)), List.of(), 2);
        assertThat(out.startedIds()).containsExactly("2", "3", "1");
    }

    @Test
    void gpusAreIndividualDevices() {
        SchedulerCore<Object> core = core(out, Map.of());
        core.workerJoined(CoreFixtures.gpuWorker("g", 4, List.of("2", "5", "7")), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of("gpu", 1L)), run("2", Map.of("gpu", 2L)), run("3", Map.of("gpu", 1L))), 0);
        assertThat(out.starts).extracting(s -> s.assignment().gpuIds())
                .containsExactly(List.of("2"), List.of("5", "7"));
        core.runFinished(RunId.of("2"), WorkerId.of("g"), 0, false, null, 1);
        assertThat(out.starts.get(2).assignment().gpuIds()).containsExactly("5");
        assertThat(core.workers().get(0).used()).containsEntry("gpu", 2L);
    }

    @Test
    void gpuAmountWithoutIdsIsNumbered() {
        SchedulerCore<Object> core = core(out, Map.of());
        core.workerJoined(worker("g", 4, Map.of("gpu", 2L)), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of("gpu", 1L)), run("2", Map.of("gpu", 1L)), run("3", Map.of("gpu", 1L))), 0);
        assertThat(out.starts).extracting(s -> s.assignment().gpuIds()).containsExactly(List.of("0"), List.of("1"));
    }

    @Test
    void cancellingStagedAndRunningRuns() {
        SchedulerCore<Object> core = core(out, Map.of());
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of()), run("3", Map.of())), 0);
        assertThat(core.cancelRun(RunId.of("2"), 1)).isTrue();
        assertThat(core.cancelRun(RunId.of("1"), 1)).isTrue();
        assertThat(out.cancels).containsExactly(new RecordingOutbox.Cancel("1", "a"));
        assertThat(core.run(RunId.of("1"))).get().extracting(CoreRun::state).isEqualTo(RunState.RUNNING);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 143, true, null, 2);
        assertThat(out.changes).extracting(c -> c.runId().value(), StateChange::to).contains(
                org.assertj.core.groups.Tuple.tuple("2", RunState.TERMINATED),
                org.assertj.core.groups.Tuple.tuple("1", RunState.TERMINATED));
        assertThat(out.startedIds()).containsExactly("1", "3");
        assertThat(core.cancelRun(RunId.of("1"), 3)).isFalse();
        assertThat(out.logs).contains("Run 1 exited with code 143 (terminated)");
    }

    @Test
    void drainingWorkerTakesNoNewRuns() {
        SchedulerCore<Object> core = core(out, Map.of());
        core.workerJoined(worker("a", 2, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        core.drainWorker(WorkerId.of("a"), "test", 1);
        core.runsStaged(List.of(run("2", Map.of())), 2);
        assertThat(out.drains).containsExactly("a");
        assertThat(out.startedIds()).containsExactly("1");
        assertThat(core.workers().get(0).state()).isEqualTo("draining");
        assertThat(core.waitReason(RunId.of("2"))).isEqualTo("waiting for a worker that takes runs");
    }

    @Test
    void workerPastItsEndTimeTakesNoNewRuns() {
        SchedulerCore<Object> core = core(out, Map.of());
        WorkerSpec spec = worker("a", 2, Map.of());
        core.workerJoined(new WorkerSpec(WorkerId.of("a"), "h", "", spec.resources(), 2, List.of(), 1_000), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 10);
        core.tick(999);
        assertThat(core.workers().get(0).state()).isEqualTo("partly used");
        core.tick(1_000);
        core.runsStaged(List.of(run("2", Map.of())), 1_001);
        assertThat(core.workers().get(0).state()).isEqualTo("draining");
        assertThat(out.startedIds()).containsExactly("1");
        assertThat(out.logs).contains("Worker a is draining (its lifetime has ended)");
    }

    @Test
    void finishReportsFromTheWrongWorkerAreIgnored() {
        SchedulerCore<Object> core = core(out, Map.of());
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.workerJoined(worker("b", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of())), 0);
        core.runFinished(RunId.of("1"), WorkerId.of("b"), 0, false, null, 1);
        assertThat(core.run(RunId.of("1"))).get().extracting(CoreRun::state).isEqualTo(RunState.RUNNING);
    }
}
