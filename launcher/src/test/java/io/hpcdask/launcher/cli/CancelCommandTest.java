package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.failure.ExitCodes;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A bad selection is exit 2 with the accepted form before any cluster is looked for (none runs here). */
class CancelCommandTest {
    @TempDir
    Path home;

    static Stream<Arguments> badSelections() {
        return Stream.of(
                Arguments.of(List.of("5-3"), "RUN: '5-3' is not a run id such as 12 or a range FIRST-LAST such as 3-1002"),
                Arguments.of(List.of("a-b"), "RUN: 'a-b' is not a run id such as 12 or a range"),
                Arguments.of(List.of("3-1002", "x"), "RUN: 'x' is not a run id"),
                Arguments.of(List.of("0"), "(FIRST <= LAST, ids from 1)"),
                Arguments.of(List.of(), "say which runs: --all, --state S[,S], --label L, or RUN ids and ranges"),
                Arguments.of(List.of("--all", "3"), "--all selects every staged or running run: give it no RUN"),
                Arguments.of(List.of("--state", "completed"), "--state: 'completed' is not a state a run can be cancelled in;"
                        + " expected " + io.hpcdask.server.CancelFilter.cancellableStates()),
                Arguments.of(List.of("--state", "staged,bogus"), "--state: 'bogus' is not a state"),
                Arguments.of(List.of("--label", " "), "--label: the label is empty"));
    }

    @ParameterizedTest(name = "cancel {0}")
    @MethodSource("badSelections")
    void exitsTwoNamingTheAcceptedForm(List<String> args, String message) {
        String[] argv = Stream.concat(Stream.of("cancel"), args.stream()).toArray(String[]::new);
        CliRun.Result r = CliInHome.run(home, argv);
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains(message);
    }

    @Test
    void aGoodSelectionWithoutAClusterSaysNoneRuns() {
        CliRun.Result r = CliInHome.run(home, "cancel", "3-1002", "7");
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(ExitCodes.NO_CLUSTER);
    }

    @Test
    void idsAndRangesBecomeOneRangeList() {
        assertThat(RunSelectionArgs.ranges(List.of("3-1002", "1500", "007"))).isEqualTo("3-1002,1500,7");
        assertThat(RunSelectionArgs.singleIds(List.of("3-1002", "1500", "007"))).containsExactly("1500", "7");
    }
}
