package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunView;
import io.hpcdask.server.api.WorkerView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunOnceTest {
    private static RunView needing(Map<String, Long> requires) {
        return new RunView("1", null, "staged", List.of("true"), requires, null, 1L, null, null, null, 0, null);
    }

    private static WorkerView offering(Map<String, Long> resources, int slots) {
        return new WorkerView("w", "h", "j", "local", resources, Map.of(), slots, 0, "idle", null);
    }

    @Test
    void aRunFitsAWorkerOfferingEverythingItNames() {
        List<WorkerView> workers = List.of(offering(Map.of("cores", 2L, "foo", 7L), 2));
        assertThat(RunOnce.fitsSomewhere(needing(Map.of("foo", 5L)), workers)).isTrue();
        assertThat(RunOnce.fitsSomewhere(needing(Map.of()), workers)).isTrue();
    }

    @Test
    void aRunNeedingAnUndefinedOrTooLargeResourceFitsNowhere() {
        List<WorkerView> workers = List.of(offering(Map.of("foo", 7L), 2), offering(Map.of("gpu", 2L), 1));
        assertThat(RunOnce.fitsSomewhere(needing(Map.of("bar", 1L)), workers)).isFalse();
        assertThat(RunOnce.fitsSomewhere(needing(Map.of("foo", 8L)), workers)).isFalse();
        assertThat(RunOnce.fitsSomewhere(needing(Map.of("foo", 1L, "gpu", 1L)), workers)).isFalse();
        assertThat(RunOnce.fitsSomewhere(needing(Map.of()), List.of())).isFalse();
    }
}
