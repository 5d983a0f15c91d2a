package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, row 2, at the store: its database on a real tmpfs that fills up, then frees. A staging that fails stores
 * nothing (no ghost run); a state change queued while full is kept, shown by reads, and committed by itself once space
 * returns; the next id never collides; the store says why it is unavailable until it works again.
 */
class RunStoreDiskFullTest {
    @TempDir
    Path dir;

    private static RunRequest spec(String label) {
        return new RunRequest(List.of("echo", label), false, "/tmp", Map.of(), List.of(), label, Map.of());
    }

    @Test
    void aFullDiskRefusesStagingKeepsStateChangesAndRecoversByItself() throws Exception {
        try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), 2)) {
            Path db = fs.dir().resolve("runs.db");
            List<List<StoredRun>> handedOn = new ArrayList<>();
            try (RunStore store = RunStore.open(db, handedOn::add)) {
                List<StoredRun> first = store.stage(List.of(spec("a"), spec("b")), 1);
                assertThat(first).extracting(r -> r.id().value()).containsExactly("1", "2");
                Assignment none = new Assignment(Map.of(), List.of());
                store.record(new StateChange(RunId.of("1"), RunState.STAGED, RunState.RUNNING, WorkerId.of("w1"), null, 1, 10, none));
                store.flush();
                assertThat(store.unavailable()).isEmpty();

                fs.fill();
                // a big staging cannot fit: refused, and nothing of it stored
                List<RunRequest> many = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    many.add(spec("x".repeat(200) + i));
                }
                assertThatThrownBy(() -> store.stage(many, 20)).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("full");
                assertThat(store.unavailable()).hasValueSatisfying(why -> assertThat(why).contains("full"));
                // refused at once while unavailable
                assertThatThrownBy(() -> store.stage(List.of(spec("c")), 21))
                        .isInstanceOf(StoreUnavailableException.class);
                // run 1 ends while the disk is full: kept, shown, retried
                store.record(new StateChange(RunId.of("1"), RunState.RUNNING, RunState.COMPLETED, WorkerId.of("w1"), 0, 1, 30, null));
                assertThatThrownBy(store::flush).isInstanceOf(StoreUnavailableException.class);
                assertThat(store.run(RunId.of("1")).orElseThrow().state()).isEqualTo(RunState.COMPLETED);
                assertThat(store.runs(RunState.COMPLETED)).extracting(r -> r.id().value()).containsExactly("1");
                assertThat(store.runs(RunState.RUNNING)).isEmpty();
                assertThat(RunStore.read(db, null)).extracting(r -> r.id().value()).containsExactly("1", "2");

                fs.free();
                await().atMost(Duration.ofSeconds(60)).until(() -> store.unavailable().isEmpty());
                store.flush();
                List<StoredRun> onDisk = RunStore.read(db, null);
                assertThat(onDisk).extracting(r -> r.id().value()).containsExactly("1", "2"); // no ghost run
                assertThat(onDisk.get(0).state()).isEqualTo(RunState.COMPLETED);
                assertThat(onDisk.get(0).exitCode()).isZero();
                assertThat(onDisk.get(0).endedAt()).isEqualTo(30L);
                assertThat(RunHistory.transitions(store, RunId.of("1")))
                        .containsExactly("staged->running", "running->completed");
                // fresh ids, no collision with anything a failed batch took
                assertThat(store.stage(List.of(spec("d")), 40)).extracting(r -> r.id().value()).containsExactly("3");
                assertThat(handedOn).extracting(l -> l.size()).containsExactly(2, 1);
            }
        }
    }
}
