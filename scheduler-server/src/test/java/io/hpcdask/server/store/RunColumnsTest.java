package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunColumnsTest {
    @TempDir
    Path dir;

    @Test
    void everyColumnIsReadBackAsWritten() {
        Path db = dir.resolve("runs.db");
        RunId id;
        try (RunStore store = RunStore.open(db)) {
            id = store.stage(List.of(RunStoreTest.spec("a")), 10).get(0).id();
            store.record(StateChange.started(id, WorkerId.of("w-1"), 1, 20, new Assignment(Map.of("foo", 1L), List.of()),
                    10));
            store.record(new StateChange(id, RunState.RUNNING, RunState.ERROR, WorkerId.of("w-1"), 3, 1, 30, null,
                    "exited with status 3", 2, 1));
        }
        StoredRun r = RunStore.read(db, null).get(0);
        assertThat(r).isEqualTo(new StoredRun(id, RunStoreTest.spec("a"), RunState.ERROR, WorkerId.of("w-1"), 1, 10L,
                20L, 30L, 3, null, "exited with status 3", 2, 1));
    }

    @Test
    void aStoreOfAnOlderVersionReadWithoutMigratingGivesItsMissingColumnsTheirDefaults() throws Exception {
        Path db = dir.resolve("runs.db");
        try (InputStream in = RunColumnsTest.class.getResourceAsStream("/store/store-v0.db")) {
            Files.copy(in, db);
        }
        List<StoredRun> runs = RunStore.read(db, null); // read-only: no retried and try_base columns
        assertThat(runs).extracting(StoredRun::state)
                .containsExactly(RunState.COMPLETED, RunState.ERROR, RunState.RUNNING, RunState.STAGED);
        assertThat(runs).extracting(StoredRun::retried).containsOnly(0);
        assertThat(runs).extracting(StoredRun::tryBase).containsOnly(0);
        assertThat(runs.get(1).exitCode()).isEqualTo(3);
        assertThat(runs.get(1).reason()).isEqualTo("exited with status 3");
        assertThat(runs.get(3).exitCode()).isNull();
        assertThat(runs.get(3).startedAt()).isNull();
    }
}
