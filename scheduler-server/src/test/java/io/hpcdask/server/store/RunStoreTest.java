package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    @TempDir
    Path dir;

    static RunRequest spec(String label) {
        return new RunRequest(List.of("echo", label), false, "/tmp", Map.of("K", "V"), List.of("dask:foo=1"), label,
                Map.of("foo", 1L));
    }

    @Test
    void stagedRunsGetIncreasingIdsAndSurviveReopening() {
        Path db = dir.resolve("runs.db");
        List<String> first;
        try (RunStore store = RunStore.open(db)) {
            first = store.stage(List.of(spec("a"), spec("b")), 100).stream().map(r -> r.id().value()).toList();
        }
        assertThat(first).containsExactly("1", "2");
        try (RunStore store = RunStore.open(db)) {
            List<StoredRun> all = store.runs(null);
            assertThat(all).extracting(r -> r.id().value()).containsExactly("1", "2");
            assertThat(all.get(0).spec()).isEqualTo(spec("a"));
            assertThat(all.get(0).state()).isEqualTo(RunState.STAGED);
            assertThat(all.get(0).stagedAt()).isEqualTo(100L);
            assertThat(store.stage(List.of(spec("c")), 200).get(0).id().value()).isEqualTo("3");
        }
        assertThat(Files.exists(dir.resolve("runs.db-wal")) || Files.exists(db)).isTrue();
    }

    @Test
    void everyStateChangeIsRecorded() {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunId id = store.stage(List.of(spec("a")), 1).get(0).id();
            Assignment a = new Assignment(Map.of("gpu", 1L), List.of("3"));
            store.record(new StateChange(id, RunState.STAGED, RunState.RUNNING, WorkerId.of("w1"), null, 1, 10, a));
            store.record(new StateChange(id, RunState.RUNNING, RunState.STAGED, WorkerId.of("w1"), null, 1, 20, null));
            store.record(new StateChange(id, RunState.STAGED, RunState.RUNNING, WorkerId.of("w2"), null, 2, 30, a));
            store.flush();
            StoredRun running = store.run(id).orElseThrow();
            assertThat(running.state()).isEqualTo(RunState.RUNNING);
            assertThat(running.worker().name()).isEqualTo("w2");
            assertThat(running.assignment()).isEqualTo(a);
            assertThat(running.startedAt()).isEqualTo(30L);

            store.record(new StateChange(id, RunState.RUNNING, RunState.ERROR, WorkerId.of("w2"), 3, 2, 40, null));
            store.flush();
            StoredRun done = store.run(id).orElseThrow();
            assertThat(done.state()).isEqualTo(RunState.ERROR);
            assertThat(done.exitCode()).isEqualTo(3);
            assertThat(done.endedAt()).isEqualTo(40L);
            assertThat(done.attempts()).isEqualTo(2);
            assertThat(RunHistory.transitions(store, id)).containsExactly("staged->running", "running->staged",
                    "staged->running", "running->error");
            assertThat(store.runs(RunState.ERROR)).extracting(r -> r.id().value()).containsExactly(id.value());
            assertThat(store.runs(RunState.STAGED)).isEmpty();
            assertThat(store.run(RunId.of("nope"))).isEmpty();
        }
    }

    @Test
    void tenThousandRunsAreOneCall() {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            List<RunRequest> specs = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                specs.add(spec("r" + i));
            }
            long t0 = System.nanoTime();
            List<StoredRun> staged = store.stage(specs, 1);
            System.out.printf("staged 10,000 runs durably in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(staged).hasSize(10_000);
            assertThat(store.runs(RunState.STAGED)).hasSize(10_000);
        }
    }

    @Test
    void concurrentStagingIsGroupCommittedAndHandedOnInIdOrder() throws Exception {
        List<String> handedOn = Collections.synchronizedList(new ArrayList<>());
        try (RunStore store = RunStore.open(dir.resolve("runs.db"), runs -> runs.forEach(r -> handedOn.add(r.id().value())))) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<List<StoredRun>>> futures = new ArrayList<>();
            for (int t = 0; t < 200; t++) {
                futures.add(pool.submit(() -> store.stage(List.of(spec("x"), spec("y")), 5)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<List<StoredRun>> f : futures) {
                for (StoredRun r : f.get()) {
                    assertThat(ids.add(r.id().value())).isTrue();
                }
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ids).hasSize(400);
            assertThat(handedOn).hasSize(400);
            List<Long> order = handedOn.stream().map(Long::parseLong).toList();
            assertThat(order).isSorted();
        }
    }

    @Test
    void runLogsAppendPerRun() throws Exception {
        RunLogs logs = new RunLogs(dir.resolve("runs"));
        logs.append(RunId.of("7"), io.hpcdask.server.api.LogStream.STDOUT, "hi\n".getBytes());
        logs.append(RunId.of("7"), io.hpcdask.server.api.LogStream.STDOUT, "there\n".getBytes());
        logs.prepare(RunId.of("8"));
        assertThat(Files.readString(logs.path(RunId.of("7")))).isEqualTo("hi\nthere\n");
        assertThat(logs.path(RunId.of("8"))).as("no file until the run prints something").doesNotExist();
        assertThat(io.hpcdask.server.api.RunLogReader.read(logs.path(RunId.of("8")), 0, null, 100).data()).isEmpty();
        logs.append(RunId.of("8"), io.hpcdask.server.api.LogStream.STDERR, "late\n".getBytes());
        assertThat(Files.readString(logs.path(RunId.of("8")))).isEqualTo("late\n");
        assertThat(io.hpcdask.server.api.RunLogReader.read(logs.path(RunId.of("8")), 0,
                io.hpcdask.server.api.LogStream.STDERR, 100).data()).isEqualTo("late\n".getBytes());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> logs.path(RunId.of("../etc")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
