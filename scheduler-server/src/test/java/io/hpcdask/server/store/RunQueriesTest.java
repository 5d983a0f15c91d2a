package io.hpcdask.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunQueriesTest {
    @TempDir
    Path dir;

    private static List<RunRequest> specs(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> RunStoreTest.spec("r" + i)).toList();
    }

    private static void finish(RunStore store, String id, RunState to, Integer exit) {
        store.record(new StateChange(RunId.of(id), RunState.STAGED, RunState.RUNNING, WorkerId.of("w1"), null, 1, 10, null));
        store.record(new StateChange(RunId.of(id), RunState.RUNNING, to, WorkerId.of("w1"), exit, 1, 20, null));
    }

    /** What every query must answer for runs 1-6: 1 and 2 completed, 3 error 4, 4 running, 5 and 6 staged. */
    private static void assertQueries(RunQueries q) {
        RunQueries.Page staged = q.page(RunState.STAGED, 1);
        assertThat(staged.runs()).extracting(r -> r.id().value()).containsExactly("6");
        assertThat(staged.matching()).isEqualTo(2);
        assertThat(staged.counts()).isEqualTo(Map.of(RunState.COMPLETED, 2L, RunState.ERROR, 1L, RunState.RUNNING, 1L,
                RunState.STAGED, 2L));
        assertThat(q.page(RunState.COMPLETED, 0).runs()).extracting(r -> r.id().value()).containsExactly("1", "2");
        assertThat(q.page(RunState.RUNNING, 5).runs()).extracting(r -> r.id().value(), r -> r.worker().name())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("4", "w1"));
        RunQueries.Page latest = q.page(null, 3);
        assertThat(latest.runs()).extracting(r -> r.id().value()).containsExactly("4", "5", "6");
        assertThat(latest.matching()).isEqualTo(6);
        assertThat(q.page(null, 0).runs()).hasSize(6);
        RunQueries.Page two = q.page(java.util.Set.of(RunState.STAGED, RunState.ERROR), null, 0);
        assertThat(two.runs()).extracting(r -> r.id().value()).containsExactly("3", "5", "6");
        assertThat(two.matching()).isEqualTo(3);
        RunQueries.Page labelled = q.page(java.util.Set.of(RunState.STAGED), "r5", 0);
        assertThat(labelled.runs()).extracting(r -> r.id().value()).containsExactly("5");
        assertThat(labelled.matching()).isEqualTo(1);
        assertThat(labelled.counts()).as("counts of the runs the label matches").isEqualTo(Map.of(RunState.STAGED, 1L));
        RunQueries.Page glob = q.page(java.util.Set.of(RunState.COMPLETED, RunState.STAGED), "r*", 2);
        assertThat(glob.runs()).extracting(r -> r.id().value()).containsExactly("5", "6");
        assertThat(glob.matching()).isEqualTo(4);
        assertThat(q.page(java.util.Set.of(), "R*", 0).runs()).as("a glob is case-sensitive").isEmpty();
        assertThat(q.endings(1, 3)).containsExactlyInAnyOrder(new RunQueries.Ending(RunState.COMPLETED, 0, 2),
                new RunQueries.Ending(RunState.ERROR, 4, 1));
        assertThat(q.countIds(1, 10)).isEqualTo(6);
        assertThat(q.counts()).isEqualTo(staged.counts());
        assertSlicedAsWhole(q);
    }

    /** Every filter, read in slices of every size, hands on the runs (in order) and counts that the whole page has. */
    private static void assertSlicedAsWhole(RunQueries q) {
        List<java.util.Set<RunState>> stateSets = List.of(java.util.Set.of(), java.util.Set.of(RunState.STAGED),
                java.util.Set.of(RunState.COMPLETED, RunState.RUNNING), java.util.Set.of(RunState.ERROR, RunState.STAGED),
                java.util.Set.of(RunState.TERMINATED));
        java.util.Collection<String> labels = java.util.Arrays.asList(null, "r*", "r[2-5]", "r6", "none");
        for (java.util.Set<RunState> states : stateSets) {
            for (String label : labels) {
                for (int limit : new int[] {0, 1, 2, 3, 5, 6, 7}) {
                    RunQueries.Page whole = q.page(states, label, limit);
                    for (int slice : new int[] {1, 2, 4, 100}) {
                        List<List<StoredRun>> slices = new java.util.ArrayList<>();
                        RunQueries.Page rest = q.pageInSlices(states, label, limit, slice, slices::add);
                        String what = states + " " + label + " limit " + limit + " slice " + slice;
                        assertThat(slices).as(what).allSatisfy(one -> assertThat(one).isNotEmpty().hasSizeLessThanOrEqualTo(slice));
                        assertThat(slices.stream().flatMap(List::stream).toList()).as(what).isEqualTo(whole.runs());
                        assertThat(rest.runs()).as(what).isEmpty();
                        assertThat(rest.matching()).as(what).isEqualTo(whole.matching());
                        assertThat(rest.counts()).as(what).isEqualTo(whole.counts());
                    }
                }
            }
        }
    }

    @Test
    void pagesCountsAndEndingsShowChangesNotYetCommitted() throws Exception {
        Path db = dir.resolve("runs.db");
        try (RunStore store = RunStore.open(db)) {
            store.stage(specs(6), 1);
            // another connection holds the write lock: the changes below stay queued while the queries run
            try (Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement s = blocker.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("BEGIN IMMEDIATE");
                finish(store, "1", RunState.COMPLETED, 0);
                finish(store, "2", RunState.COMPLETED, 0);
                finish(store, "3", RunState.ERROR, 4);
                store.record(new StateChange(RunId.of("4"), RunState.STAGED, RunState.RUNNING, WorkerId.of("w1"), null, 1, 10, null));
                assertThat(store.queries().page(null, 0).runs()).isEqualTo(store.runs(null));
                assertQueries(store.queries());
                s.execute("ROLLBACK");
            }
            store.flush();
            assertQueries(store.queries());
        }
        assertQueries(RunQueries.readOnly(db));
    }

    @Test
    void aPageInSlicesLeavesOutRunsStagedAfterItBegan() {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            store.stage(specs(5), 1);
            List<String> seen = new java.util.ArrayList<>();
            store.queries().pageInSlices(java.util.Set.of(), null, 0, 2, slice -> {
                slice.forEach(r -> seen.add(r.id().value()));
                if (seen.size() == 2) {
                    store.stage(specs(3), 2); // ids 6-8, staged while the page is sent
                }
            });
            assertThat(seen).containsExactly("1", "2", "3", "4", "5");
        }
    }

    @Test
    void anEmptyStoreHasNoRunsAndNoCounts() {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunQueries.Page p = store.queries().page(RunState.STAGED, 10);
            assertThat(p.runs()).isEmpty();
            assertThat(p.matching()).isZero();
            assertThat(p.counts()).isEqualTo(Collections.emptyMap());
            assertThat(store.queries().endings(1, 5)).isEmpty();
            List<List<StoredRun>> slices = new java.util.ArrayList<>();
            RunQueries.Page sliced = store.queries().pageInSlices(java.util.Set.of(), null, 0, 10, slices::add);
            assertThat(slices).isEmpty();
            assertThat(sliced.matching()).isZero();
        }
    }
}
