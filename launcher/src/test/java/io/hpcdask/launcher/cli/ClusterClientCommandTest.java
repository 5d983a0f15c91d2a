package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.failure.ExitCodes;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A command that talks to a cluster looks for it only when its logic asks, after checking its own options. */
class ClusterClientCommandTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @ValueSource(strings = {
        "scale x --name ../x|N: 'x' is not a number of workers",
        "scale 2 --timeout 0 --name ../x|--timeout: '0' is not a duration",
        "runs --state sleeping --name ../x|--state: 'sleeping' is not a run state",
        "runs --limit -1 --name ../x|--limit: -1 is not a number of runs",
    })
    void badOptionsAreReportedBeforeABadNameOrAMissingCluster(String caseLine) {
        String[] parts = caseLine.split("\\|");
        CliRun.Result r = CliInHome.run(home, parts[0].split(" "));
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err().strip()).as(CliInHome.describe(r)).startsWith("hpc-dask: " + parts[1]);
    }
}
