package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI daemon answers, decided by parsing alone. */
class ServedCallsTest {
    @TempDir
    Path home;

    private boolean served(String... args) {
        return ServedCalls.served(new CliContext(Map.of("HPC_DASK_HOME", home.toString()), home), args);
    }

    @Test
    void shortCommandsHelpVersionAndBadInputAreServed() {
        assertThat(served("--help")).isTrue();
        assertThat(served("-V")).isTrue();
        assertThat(served()).isTrue();
        assertThat(served("cluster", "up", "--help")).isTrue();
        assertThat(served("runs")).isTrue();
        assertThat(served("workers")).isTrue();
        assertThat(served("cluster", "status")).isTrue();
        assertThat(served("logs", "1")).isTrue();
        assertThat(served("submit", "run", "--wait", "--", "true")).isTrue();
        assertThat(served("print", "job-script", "--system", "slurm")).isTrue();
        assertThat(served("cluster", "up", "--bogus")).isTrue();
    }

    @Test
    void whatStartsProcessesHoldsATerminalOrMayAskALoginNodeIsNot() {
        assertThat(served("cluster", "up", "--system", "local")).isFalse();
        assertThat(served("cluster", "down")).isFalse();
        assertThat(served("dashboard")).isFalse();
        assertThat(served("doctor")).isFalse();
        assertThat(served("print", "job-script")).isFalse();
    }

    @Test
    void aClusterOnALoginNodeIsNot() throws Exception {
        Path dir = Files.createDirectories(home.resolve("clusters/default"));
        Files.writeString(dir.resolve(io.hpcdask.launcher.remote.RemoteCluster.FILE), "{}");
        assertThat(served("runs")).isFalse();
    }

    @Test
    void aRelativePathInTheEnvironmentOrAnotherLocaleIsNot() {
        ServedCalls calls = new ServedCalls(Map.of("LANG", "C.UTF-8"), home);
        assertThat(calls.accept(request(Map.of("LANG", "C.UTF-8", "HPC_DASK_HOME", home.toString())))).isNotNull();
        assertThat(calls.accept(request(Map.of("LANG", "C.UTF-8", "HPC_DASK_HOME", "rel/home")))).isNull();
        assertThat(calls.accept(request(Map.of("LANG", "fr_FR.ISO-8859-1", "HPC_DASK_HOME", home.toString())))).isNull();
    }

    private io.hpcdask.launcher.cli.daemon.CallRequest request(Map<String, String> env) {
        return new io.hpcdask.launcher.cli.daemon.CallRequest(new io.hpcdask.launcher.cli.daemon.JarStamp("/j", 1, 1),
                home.toString(), false, false, false, 0, java.util.List.of("--version"), env);
    }
}
