package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Commands that need a cluster say so in one line and exit 3; malformed input exits 2 before anything else. */
class ClusterCommandsWithoutClusterTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @ValueSource(strings = {"cluster status", "cluster down", "workers", "submit run -- echo hi", "cancel 1", "logs --follow 1"})
    void exitsThreeWithOneLineWhenNoClusterRuns(String command) {
        CliRun.Result r = CliInHome.run(home, command.split(" "));
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(ExitCodes.NO_CLUSTER);
        assertThat(r.err().strip()).isEqualTo("hpc-dask: no cluster 'default' is running (start it with 'hpc-dask cluster up')");
    }

    @Test
    void namesTheClusterWhenNotDefault() {
        CliRun.Result r = CliInHome.run(home, "workers", "--name", "gpu-box");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_CLUSTER);
        assertThat(r.err()).contains("no cluster 'gpu-box' is running (start it with 'hpc-dask cluster up --name gpu-box')");
    }

    @Test
    void defaultsToTheOnlyClusterThatExists() throws Exception {
        Files.createDirectories(home.resolve("clusters/lab"));
        CliRun.Result r = CliInHome.run(home, "cluster", "status");
        assertThat(r.err()).contains("no cluster 'lab' is running");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "submit run --array x -- true|--array: 'x' is not",
        "submit run --env BAD -- true|--env: 'BAD' is not NAME=VALUE",
        "submit run --cwd /no/such/dir -- true|--cwd: '/no/such/dir' is not an existing directory",
        "submit run --array 1-2 --each-line f -- true|--array and --each-line cannot be used together",
        "runs --state sleeping|--state: 'sleeping' is not a run state",
        "workers --name ../x|--name: '../x' is not a cluster name",
        "cluster up --workers -1|--workers: '-1' is out of range",
        "cluster up --resources cores=2|--resources: 'cores' is set by --cores",
        "cluster up --resources foo|--resources",
        "cluster up --memory lots|--memory",
        // a command checks its own options before it looks for the cluster, so these win over a bad --name
        "scale x --name ../x|N: 'x' is not a number of workers",
        "scale 2 --timeout 0 --name ../x|--timeout: '0' is not a positive time",
        "runs --state sleeping --name ../x|--state: 'sleeping' is not a run state",
        "runs --limit -1 --name ../x|--last: -1 is not a number of runs",
        "adapt --min 1 --name ../x|--max: missing; expected --max M",
        "adapt --max 0 --name ../x|--max: '0' is not a whole number >= 1",
        "adapt --min 3 --max 2 --name ../x|--max: '2' is below --min 3",
        "adapt --max 4 --idle-timeout soon --name ../x|--idle-timeout:",
        "adapt --max 4 --max-pending 0 --name ../x|--max-pending: '0' is not a whole number >= 1",
        "cluster up --adapt-min x|--adapt-min",
    })
    void exitsTwoWithOneLineNamingTheOption(String caseLine) {
        String[] parts = caseLine.split("\\|");
        CliRun.Result r = CliInHome.run(home, parts[0].split(" "));
        assertThat(r.exitCode()).as(CliInHome.describe(r)).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err().strip().lines()).as(CliInHome.describe(r)).hasSize(1);
        assertThat(r.err()).contains(parts[1]);
    }

    @Test
    void submitWithoutCommandIsBadInput() {
        CliRun.Result r = CliInHome.run(home, "submit", "run");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("CMD");
    }
}
