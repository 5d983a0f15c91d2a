package io.hpcdask.server.core;

import static io.hpcdask.server.core.CoreFixtures.after;
import static io.hpcdask.server.core.CoreFixtures.run;
import static io.hpcdask.server.core.CoreFixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run starts only after the runs it names completed; a dependency ending otherwise cancels it with the reason. */
class DependenciesTest {
    private final RecordingOutbox out = new RecordingOutbox();
    private final SchedulerCore<Object> core = new SchedulerCore<>(new CoreConfig(Map.of(), 3, 5, 0), out);

    @Test
    void runWaitsForAllItsDependenciesToComplete() {
        core.workerJoined(worker("a", 4, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of()), run("3", Map.of(), after("1", "2"))), 0);
        assertThat(out.startedIds()).containsExactly("1", "2");
        assertThat(core.waitReason(RunId.of("3"))).isEqualTo("waiting for runs 1, 2 to complete");
        assertThat(core.stagedCount()).isZero();
        assertThat(core.waitingCount()).isEqualTo(1);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 0, false, null, 1);
        assertThat(out.startedIds()).containsExactly("1", "2");
        assertThat(core.waitReason(RunId.of("3"))).isEqualTo("waiting for run 2 to complete");
        core.runFinished(RunId.of("2"), WorkerId.of("a"), 0, false, null, 2);
        assertThat(out.startedIds()).containsExactly("1", "2", "3");
        assertThat(core.waitingCount()).isZero();
    }

    @Test
    void aFailedDependencyCancelsTheChainWithTheReason() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        List<NewRun<Object>> chain = new ArrayList<>();
        chain.add(run("1", Map.of()));
        for (int i = 2; i <= 5_000; i++) { // a long chain unwinds without deep recursion
            chain.add(run(Integer.toString(i), Map.of(), after(Integer.toString(i - 1))));
        }
        core.runsStaged(chain, 0);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 3, false, null, 1);
        StateChange second = out.changes.stream().filter(c -> c.runId().value().equals("2")).findFirst().orElseThrow();
        assertThat(second.to()).isEqualTo(RunState.TERMINATED);
        assertThat(second.reason()).isEqualTo("dependency 1 ended error");
        assertThat(out.changes.get(out.changes.size() - 1).reason()).isEqualTo("dependency 4999 ended terminated");
        assertThat(core.activeRuns()).isEmpty();
        assertThat(core.waitingCount()).isZero();
        assertThat(out.startedIds()).containsExactly("1");
    }

    @Test
    void dependenciesThatEndedBeforeAreAskedOfTheOwner() {
        core.workerJoined(worker("a", 2, Map.of()), List.of(), 0);
        out.ended.put("8", RunState.COMPLETED);
        out.ended.put("9", RunState.TIMEOUT);
        core.runsStaged(List.of(run("10", Map.of(), after("8")), run("11", Map.of(), after("8", "9")),
                run("12", Map.of(), after("404"))), 0);
        assertThat(out.startedIds()).containsExactly("10");
        assertThat(out.changes).filteredOn(c -> c.to() == RunState.TERMINATED).extracting(StateChange::reason)
                .containsExactly("dependency 9 ended timeout", "dependency 404 is unknown");
    }

    @Test
    void cancellingAWaitingRunLeavesItsDependencyAlone() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of()), run("2", Map.of(), after("1")), run("3", Map.of(), after("1"))), 0);
        assertThat(core.cancelRun(RunId.of("2"), 1)).isTrue();
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 0, false, null, 2);
        assertThat(out.startedIds()).containsExactly("1", "3");
        assertThat(core.waitingCount()).isZero();
    }

    @Test
    void aRestagedDependencyKeepsItsDependentsWaiting() {
        core.workerJoined(worker("a", 1, Map.of()), List.of(), 0);
        core.runsStaged(List.of(run("1", Map.of(), new RunPolicy(0, 0, 0, 1, List.of())), run("2", Map.of(), after("1"))), 0);
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 1, 1, false, null, false, 1); // retried
        assertThat(core.waitReason(RunId.of("2"))).isEqualTo("waiting for run 1 to complete");
        core.runFinished(RunId.of("1"), WorkerId.of("a"), 2, 0, false, null, false, 2);
        assertThat(out.startedIds()).containsExactly("1", "1", "2");
    }
}
