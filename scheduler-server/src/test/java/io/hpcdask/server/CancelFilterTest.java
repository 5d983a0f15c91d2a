package io.hpcdask.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.server.api.CancelSelection;
import io.hpcdask.server.core.CoreRun;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.ids.RunId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class CancelFilterTest {
    private static final List<CoreRun> RUNS = LongStream.rangeClosed(1, 20)
            .mapToObj(i -> new CoreRun(RunId.of(Long.toString(i)), i % 2 == 0 ? RunState.RUNNING : RunState.STAGED,
                    Map.of(), null, 1, 0, null, null, null))
            .toList();

    private static List<Long> selected(CancelSelection s) {
        Predicate<CoreRun> p = CancelFilter.of(s, label -> label.equals("sweep") ? Set.of(3L, 4L, 5L, 17L) : Set.of());
        return RUNS.stream().filter(p).map(r -> r.id().number()).toList();
    }

    @Test
    void filtersCombine() {
        assertThat(selected(CancelSelection.everything())).hasSize(20);
        assertThat(selected(new CancelSelection(false, "3-6,12,5", null, null))).containsExactly(3L, 4L, 5L, 6L, 12L);
        assertThat(selected(new CancelSelection(false, "1-10", List.of("running"), null))).containsExactly(2L, 4L, 6L, 8L, 10L);
        assertThat(selected(new CancelSelection(false, null, List.of("staged"), "sweep"))).containsExactly(3L, 5L, 17L);
        assertThat(selected(new CancelSelection(false, "10-20", null, "sweep"))).containsExactly(17L);
        assertThat(selected(new CancelSelection(false, null, null, "none"))).isEmpty();
    }

    @Test
    void aSelectionMustNameRunsAndOnlyCancellableStates() {
        assertThatThrownBy(() -> selected(new CancelSelection(false, null, List.of(), null)))
                .hasMessageContaining("no runs selected");
        assertThatThrownBy(() -> selected(new CancelSelection(true, "1", null, null))).hasMessageContaining("takes no ids");
        assertThatThrownBy(() -> selected(new CancelSelection(false, null, List.of("lost"), null)))
                .hasMessage("state: 'lost' is not a state a run can be cancelled in; expected " + CancelFilter.cancellableStates());
        assertThatThrownBy(() -> selected(new CancelSelection(false, "5-3", null, null))).hasMessageContaining("ends before it starts");
    }
}
