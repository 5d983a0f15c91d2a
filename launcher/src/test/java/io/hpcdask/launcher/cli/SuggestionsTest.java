package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.failure.ExitCodes;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A mistyped command or option: exit 2, the error in one line, then picocli's "Did you mean" when something is close. */
class SuggestionsTest {
    @TempDir
    Path home;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "scal 2|Unmatched arguments from index 0: 'scal', '2' (see 'hpc-dask --help')|Did you mean: hpc-dask scale?",
        "scale --worker 2|Unknown option: '--worker' (see 'hpc-dask scale --help')|Did you mean: hpc-dask scale 2?",
        "scale --workers 3 --wait|Unknown option: '--workers'|Did you mean: hpc-dask scale 3?",
        "cluster up --worker 2|Unknown options: '--worker', '2'|Did you mean: --workers?",
        "clustr status|Unmatched arguments from index 0: 'clustr', 'status'|Did you mean: hpc-dask cluster?",
        "cluster stat|Unmatched argument at index 1: 'stat'|Did you mean: hpc-dask cluster status?",
        "submit run --tga x echo|Unknown option: '--tga'|Did you mean: --tag?",
    })
    void suggestsWhatIsClose(String line, String error, String suggestion) {
        CliRun.Result r = CliInHome.run(home, line.split(" "));
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).as(CliInHome.describe(r)).hasSize(2);
        assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("hpc-dask: ").contains(error);
        assertThat(r.err().lines().skip(1).findFirst().orElseThrow()).isEqualTo(suggestion);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "frobnicate|Unmatched argument at index 0: 'frobnicate'",
        "cluster -V|Unknown option: '-V'",
        "print job-script --cpus 2|Unknown options: '--cpus', '2'",
    })
    void saysNothingMoreWhenNothingIsClose(String line, String error) {
        CliRun.Result r = CliInHome.run(home, line.split(" "));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err().lines()).as(CliInHome.describe(r)).hasSize(1);
        assertThat(r.err()).contains(error);
    }
}
