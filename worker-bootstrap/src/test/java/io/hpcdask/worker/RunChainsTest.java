package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's view of the helper's chains, and the rule that says whose place a run may take. */
class RunChainsTest {
    private static RunProcess run(String id) {
        return new RunProcess(RecordedRuns.start(id, "true"), List.of()) {
            @Override
            long pid() {
                return 0;
            }

            @Override
            void signal(String signal) {
            }

            @Override
            boolean isAlive() {
                return true;
            }

            @Override
            boolean killedForLease() {
                return false;
            }
        };
    }

    @Test
    void aRunLeavingItsChainLetsTheOneBehindItMoveUp() {
        RunChains chains = new RunChains();
        RunProcess a = run("a");
        RunProcess b = run("b");
        RunProcess c = run("c");
        chains.add(a, b);
        chains.add(b, c);
        assertThat(chains.tail(a)).isSameAs(c);
        assertThat(chains.depth(a)).isEqualTo(2);
        chains.remove(b); // withdrawn: c now follows a
        assertThat(chains.next(a)).isSameAs(c);
        assertThat(chains.depth(a)).isEqualTo(1);
        chains.remove(a); // ended: c heads its chain
        assertThat(chains.depth(c)).isZero();
        assertThat(chains.next(a)).isNull();
        chains.remove(c);
        assertThat(chains.isEmpty()).isTrue();
    }

    @Test
    void aRunMayTakeThePlaceOfOneThatHeldAtLeastWhatItAsksOfWhatThisWorkerOffers() {
        LocalCapacity capacity = new LocalCapacity(Map.of("cores", 4L, "memory", 8L), 2);
        assertThat(capacity.covers(Map.of("cores", 2L), Map.of("cores", 2L, "memory", 1L))).isTrue();
        assertThat(capacity.covers(Map.of("cores", 3L), Map.of("cores", 2L))).isFalse();
        assertThat(capacity.covers(Map.of("memory", 1L), Map.of())).isFalse();
        assertThat(capacity.covers(Map.of("licence", 5L), Map.of())).as("counted by the scheduler alone").isTrue();
        assertThat(capacity.covers(null, null)).isTrue();
        assertThat(capacity.covers(Map.of(), null)).isTrue();
    }
}
