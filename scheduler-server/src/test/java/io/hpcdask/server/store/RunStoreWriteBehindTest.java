package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State changes are written behind (gathered into group commits that nobody waits for). What a flush covered, which is
 * what a reader may show, survives SIGKILL; every acknowledged staging survives; and a run's row never lags behind a
 * transition of it that was committed.
 */
class RunStoreWriteBehindTest {
    @TempDir
    Path dir;

    @Test
    void aFlushWaitsForChangesStillBeingGatheredAndReturnsAtOnceWhenNothingIsQueued() {
        Path db = dir.resolve("runs.db");
        try (RunStore store = RunStore.open(db)) {
            store.flush(); // nothing queued
            RunId id = store.stage(List.of(spec()), 1).get(0).id();
            store.record(new StateChange(id, RunState.STAGED, RunState.RUNNING, WorkerId.of("w"), null, 1, 2, Assignment.NONE));
            store.record(new StateChange(id, RunState.RUNNING, RunState.COMPLETED, WorkerId.of("w"), 0, 1, 3, null));
            assertThat(store.run(id)).get().extracting(StoredRun::state).as("queued changes are shown")
                    .isEqualTo(RunState.COMPLETED);
            store.flush();
            // another connection sees only what is committed
            assertThat(RunStore.read(db, null)).extracting(StoredRun::id, StoredRun::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(id, RunState.COMPLETED));
            store.flush();
            assertThat(RunHistory.transitions(store, id)).containsExactly("staged->running", "running->completed");
        }
    }

    @Test
    void whatAFlushCoveredAndEveryStagingSurviveKillMinusNine() throws Exception {
        Path db = dir.resolve("runs.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WriteBehindCrashChild.class.getName(), db.toString()).redirectErrorStream(false).start();
        List<String> staged = new ArrayList<>();
        List<String> done = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (staged.size() < 2_000 && (line = in.readLine()) != null) {
                List<String> ids = List.of(line.substring(line.indexOf(' ') + 1).split(" "));
                (line.startsWith("done") ? done : staged).addAll(ids);
            }
            assertThat(staged).hasSize(2_000);
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(done).isNotEmpty();

        try (RunStore store = RunStore.open(db)) {
            Map<String, StoredRun> rows = new HashMap<>();
            for (StoredRun r : store.runs(null)) {
                rows.put(r.id().value(), r);
            }
            assertThat(rows.keySet()).containsAll(staged);
            for (String id : done) {
                assertThat(rows.get(id).state()).as("run " + id + " was flushed completed").isEqualTo(RunState.COMPLETED);
            }
            for (String id : staged) {
                List<String> transitions = RunHistory.transitions(store, RunId.of(id));
                RunState expected = transitions.isEmpty() ? RunState.STAGED
                        : RunState.fromLabel(transitions.get(transitions.size() - 1).split("->")[1]);
                assertThat(rows.get(id).state()).as("run " + id + " matches its last committed transition")
                        .isEqualTo(expected);
            }
        }
    }

    private static RunRequest spec() {
        return new RunRequest(List.of("true"), false, "/", Map.of(), List.of(), null, Map.of());
    }
}
