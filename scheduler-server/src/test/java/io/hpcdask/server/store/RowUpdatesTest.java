package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The changes of one commit, folded into one row update per run, leave the row as one update per change would. */
class RowUpdatesTest {
    private static final WorkerId W = WorkerId.of("w");

    @TempDir
    Path dir;

    @Test
    void aStartAndAnEndInOneCommitKeepTheStartTimeAndTheEnd() {
        RowUpdates updates = new RowUpdates();
        RunId id = RunId.of(1);
        updates.add(StateChange.started(id, W, 1, 100, Assignment.NONE, 50));
        updates.add(new StateChange(id, RunState.RUNNING, RunState.COMPLETED, W, 0, 1, 130, null));
        assertThat(updates.rows()).singleElement().satisfies(row -> {
            assertThat(row.last().to()).isEqualTo(RunState.COMPLETED);
            assertThat(row.startedAt()).isEqualTo(100L);
        });
    }

    @Test
    void aRetryCountSetByAnEarlierChangeIsKeptWhenTheLastHasNone() {
        RowUpdates updates = new RowUpdates();
        RunId id = RunId.of(2);
        updates.add(new StateChange(id, RunState.ERROR, RunState.STAGED, null, null, 1, 10, null, "retry", 1, 1));
        updates.add(StateChange.started(id, W, 2, 20, Assignment.NONE, 10));
        updates.add(StateChange.started(RunId.of(3), W, 1, 21, Assignment.NONE, 10));
        assertThat(updates.rows()).hasSize(2).first().satisfies(row -> {
            assertThat(row.last().to()).isEqualTo(RunState.RUNNING);
            assertThat(row.retried()).isEqualTo(1);
            assertThat(row.tryBase()).isEqualTo(1);
            assertThat(row.startedAt()).isEqualTo(20L);
        });
    }

    @Test
    void theStoredRowOfARunThatStartedAndEndedInOneCommitIsTheRowOfTwoCommits() {
        Path folded = dir.resolve("folded.db");
        Path apart = dir.resolve("apart.db");
        for (Path db : List.of(folded, apart)) {
            try (RunStore store = RunStore.open(db)) {
                RunId id = store.stage(List.of(new RunRequest(List.of("true"), false, null, Map.of(), List.of(), "x")), 5)
                        .get(0).id();
                store.record(StateChange.started(id, W, 1, 100, new Assignment(Map.of("cpu", 1L), List.of()), 5));
                if (db == apart) {
                    store.flush();
                }
                store.record(new StateChange(id, RunState.RUNNING, RunState.COMPLETED, W, 0, 1, 130, null));
            }
        }
        StoredRun one = RunStore.read(folded, null).get(0);
        StoredRun two = RunStore.read(apart, null).get(0);
        assertThat(one).isEqualTo(two);
        assertThat(one.state()).isEqualTo(RunState.COMPLETED);
        assertThat(one.startedAt()).isEqualTo(100L);
        assertThat(one.endedAt()).isEqualTo(130L);
        assertThat(one.exitCode()).isZero();
        assertThat(one.worker()).isEqualTo(W);
    }
}
