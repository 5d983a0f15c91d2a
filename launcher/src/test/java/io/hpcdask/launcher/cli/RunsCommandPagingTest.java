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

/**
 * {@code runs} shows the latest runs (--last), filters by state and label in the store (--state, --label), counts them
 * (--summary) and fits the terminal.
 */
class RunsCommandPagingTest {
    /** Long enough that the table does not fit 100 columns. */
    private static final List<String> COMMAND = List.of("python3", "train.py", "--learning-rate", "0.001", "--epochs", "100",
            "--data", "/scratch/alice/datasets/imagenet-subset");

    @TempDir
    Path home;

    /** 150 runs: 1 to 140 completed (7 with exit 1, so error), 141 to 150 staged; the cluster is down. */
    @BeforeEach
    void runs() {
        ClusterDir dir = new ClusterHome(home).cluster("c1").create();
        try (RunStore store = RunStore.open(dir.database())) {
            store.stage(IntStream.rangeClosed(1, 150).mapToObj(i ->
                    new RunRequest(COMMAND, false, null, Map.of(), List.of(), "r" + i, Map.of())).toList(), 1L);
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
    void byDefaultTheLatestFiftyAreShownAndTheRestCounted() {
        CliRun.Result r = CliInHome.run(home, "runs", "--name", "c1");
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isZero();
        assertThat(ids(r)).hasSize(RunsCommand.DEFAULT_LIMIT).startsWith("101").endsWith("150");
        assertThat(r.err().strip()).isEqualTo(
                "100 earlier run(s) not shown (--last N shows the latest N, --last 0 all; --summary counts them)");
    }

    @Test
    void limitAndStateChooseTheRunsWhileTheCountsStayWhole() {
        CliRun.Result errors = CliInHome.run(home, "runs", "--name", "c1", "--state", "error", "--last", "3");
        assertThat(errors.exitCode()).as(CliInHome.describe(errors)).isZero();
        assertThat(ids(errors)).containsExactly("100", "120", "140");
        assertThat(errors.err()).contains("4 earlier run(s) not shown");

        CliRun.Result all = CliInHome.run(home, "runs", "--name", "c1", "--limit", "0", "--state", "staged");
        assertThat(ids(all)).containsExactlyElementsOf(IntStream.rangeClosed(141, 150).mapToObj(Integer::toString).toList());
        assertThat(all.err()).doesNotContain("not shown");

        CliRun.Result json = CliInHome.run(home, "runs", "--name", "c1", "--limit", "2", "--json");
        assertThat(json.out()).contains("\"id\" : \"149\"").contains("\"id\" : \"150\"").doesNotContain("\"id\" : \"148\"");
        assertThat(json.out()).contains("\"matching\" : 150").contains("\"shown\" : 2");
    }

    @Test
    void aNegativeLimitIsRefused() {
        CliRun.Result r = CliInHome.run(home, "runs", "--name", "c1", "--limit", "-1");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--last: -1 is not a number of runs");
        CliRun.Result state = CliInHome.run(home, "runs", "--name", "c1", "--state", "completed,done");
        assertThat(state.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(state.err().strip()).isEqualTo("hpc-dask: --state: 'done' is not a run state; expected one or more of "
                + String.join(", ", RunStates.ALL) + ", separated by commas");
    }

    @Test
    void severalStatesAndALabelGlobOrExact() {
        CliRun.Result r = CliInHome.run(home, "runs", "--name", "c1", "--state", "error,staged", "--last", "0", "-o", "quiet");
        assertThat(r.out().lines()).hasSize(17).startsWith("20", "40").endsWith("149", "150");
        assertThat(CliInHome.run(home, "runs", "--name", "c1", "--label", "r14?", "-o", "quiet").out().lines())
                .containsExactly("140", "141", "142", "143", "144", "145", "146", "147", "148", "149");
        assertThat(CliInHome.run(home, "runs", "--name", "c1", "--label", "r14", "-o", "quiet").out()).isEqualTo("14\n");
        assertThat(CliInHome.run(home, "runs", "--name", "c1", "--label", "R14", "-o", "quiet").out()).as("case-sensitive").isEmpty();
    }

    @Test
    void summaryCountsByStateOfWhatTheLabelMatches() {
        CliRun.Result all = CliInHome.run(home, "runs", "--name", "c1", "--summary");
        assertThat(all.out().lines().map(String::strip)).containsExactly("STATE      RUNS", "staged     10", "completed  133",
                "error      7", "total      150");
        CliRun.Result some = CliInHome.run(home, "runs", "--name", "c1", "--summary", "--label", "r1?0", "-o", "quiet");
        // r100 to r150: every 20th ended in error, r150 is staged
        assertThat(some.out()).isEqualTo("staged 1\ncompleted 2\nerror 3\n");
    }

    @Test
    void theTableFitsTheTerminalShorteningTheCommandFirst() {
        CliRun.Result wide = CliInHome.run(home, "runs", "--name", "c1", "--last", "3");
        CliRun.Result narrow = new CliRun(home.resolve("user-home")).env("HPC_DASK_HOME", home.toString()).env("COLUMNS", "100")
                .run("runs", "--name", "c1", "--last", "3");
        assertThat(wide.out().lines().mapToInt(String::length).max().orElseThrow()).isGreaterThan(100);
        assertThat(narrow.out().lines()).allMatch(l -> l.length() <= 100, "no line wider than COLUMNS");
        assertThat(narrow.out().lines().findFirst().orElseThrow()).contains("DURATION").contains("COMMAND");
        assertThat(narrow.out()).contains("\u2026");
    }
}
