package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cluster.ClusterDir;
import io.hpcdask.launcher.cluster.ClusterHome;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import io.hpcdask.server.store.RunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runs} shows the latest runs (--limit), filters by state in the store (--state) and counts every state. */
class RunsCommandPagingTest {
    @TempDir
    Path home;

    /** 150 runs: 1 to 140 completed (7 with exit 1, so error), 141 to 150 staged; the cluster is down. */
    @BeforeEach
    void runs() {
        ClusterDir dir = new ClusterHome(home).cluster("c1").create();
        try (RunStore store = RunStore.open(dir.database())) {
            store.stage(IntStream.rangeClosed(1, 150).mapToObj(i ->
                    new RunRequest(List.of("true"), false, null, Map.of(), List.of(), "r" + i, Map.of())).toList(), 1L);
            for (int i = 1; i <= 140; i++) {
                RunId id = RunId.of(i);
                RunState end = i % 20 == 0 ? RunState.ERROR : RunState.COMPLETED;
                store.record(new StateChange(id, RunState.STAGED, RunState.RUNNING, WorkerId.of("w1"), null, 1, 2, null));
                store.record(new StateChange(id, RunState.RUNNING, end, WorkerId.of("w1"), end == RunState.ERROR ? 1 : 0, 1, 3, null));
            }
            store.flush();
        }
    }

    private static List<String> ids(CliRun.Result r) {
        return r.out().lines().skip(1).map(l -> l.split(" ")[0]).toList();
    }

    @Test
    void byDefaultTheLatestHundredAreShownAndTheRestCounted() {
        CliRun.Result r = CliInHome.run(home, "runs", "--name", "c1");
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
        assertThat(ids(r)).hasSize(RunsCommand.DEFAULT_LIMIT).startsWith("51").endsWith("150");
        assertThat(r.err()).contains("50 earlier run(s) not shown (--limit N shows the latest N, --limit 0 all)")
                .contains("runs: staged=10 completed=133 error=7");
    }

    @Test
    void limitAndStateChooseTheRunsWhileTheCountsStayWhole() {
        CliRun.Result errors = CliInHome.run(home, "runs", "--name", "c1", "--state", "error", "--limit", "3");
        assertThat(errors.exitCode()).as(CliInHome.describe(errors)).isZero();
        assertThat(ids(errors)).containsExactly("100", "120", "140");
        assertThat(errors.err()).contains("4 earlier run(s) error not shown").contains("runs: staged=10 completed=133 error=7");

        CliRun.Result all = CliInHome.run(home, "runs", "--name", "c1", "--limit", "0", "--state", "staged");
        assertThat(ids(all)).containsExactlyElementsOf(IntStream.rangeClosed(141, 150).mapToObj(Integer::toString).toList());
        assertThat(all.err()).doesNotContain("not shown");

        CliRun.Result json = CliInHome.run(home, "runs", "--name", "c1", "--limit", "2", "--json");
        assertThat(json.out()).contains("\"id\" : \"149\"").contains("\"id\" : \"150\"").doesNotContain("\"id\" : \"148\"");
    }

    @Test
    void aNegativeLimitIsRefused() {
        CliRun.Result r = CliInHome.run(home, "runs", "--name", "c1", "--limit", "-1");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--limit: -1 is not a number of runs");
    }
}
