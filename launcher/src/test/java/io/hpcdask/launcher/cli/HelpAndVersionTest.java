package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.failure.ExitCodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code -V} belongs to the top command only; the commands people start with show examples in their help. */
class HelpAndVersionTest {
    @TempDir
    Path home;

    @Test
    void versionAtTheTop() {
        for (String flag : new String[] {"-V", "--version"}) {
            CliRun.Result r = CliInHome.run(home, flag);
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).startsWith("hpc-dask ");
        }
        assertThat(CliInHome.run(home, "--help").out()).contains("-V, --version");
    }

    @Test
    void noSubcommandTakesVersion() {
        List<String> offenders = new ArrayList<>();
        collect(Main.newCommandLine(new CliContext(Map.of(), home)), true, offenders);
        assertThat(offenders).as("commands offering -V").isEmpty();
        CliRun.Result r = CliInHome.run(home, "cluster", "up", "-V");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("Unknown option: '-V'");
        assertThat(CliInHome.run(home, "cluster", "up", "--help").out()).doesNotContain("--version").contains("-h, --help");
    }

    private static void collect(CommandLine cl, boolean top, List<String> offenders) {
        if (!top && (cl.getCommandSpec().findOption("-V") != null || cl.getCommandSpec().findOption("--version") != null)) {
            offenders.add(cl.getCommandSpec().qualifiedName());
        }
        cl.getSubcommands().values().forEach(sub -> collect(sub, false, offenders));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster up", "submit run", "scale", "adapt", "retry", "cluster list", "completion"})
    void helpHasExamples(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        CliRun.Result r = CliInHome.run(home, args.toArray(String[]::new));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("(Examples|Enable it):\\R  hpc-dask |(Examples|Enable it):\\R  bash: ");
    }
}
