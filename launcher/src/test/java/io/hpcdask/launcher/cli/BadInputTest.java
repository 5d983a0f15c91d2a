package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad value: exit code 2, one line on stderr naming the option and the accepted form, nothing on stdout. */
class BadInputTest {
    @TempDir
    Path home;

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("--memory", "8X", "e.g. 8G"),
                Arguments.of("--memory", "-1G", "e.g. 8G"),
                Arguments.of("--memory", "0", "e.g. 8G"),
                Arguments.of("--walltime", "25:99:00", "HH:MM:SS"),
                Arguments.of("--walltime", "abc", "HH:MM:SS"),
                Arguments.of("--cores", "0", ">= 1"),
                Arguments.of("--cores", "-3", ">= 1"),
                Arguments.of("--cores", "two", ">= 1"),
                Arguments.of("--resources", "foo", "NAME=COUNT"),
                Arguments.of("--resources", "gpu=-1", "NAME=COUNT"),
                Arguments.of("--resources", "=3", "NAME=COUNT"),
                Arguments.of("--resources", "cores=2", "set by --cores"),
                Arguments.of("--job-name", "my job", "letters, digits"),
                Arguments.of("--job-name", "w;rm -rf ~", "letters, digits"),
                Arguments.of("--job-name", "$(id)", "letters, digits"),
                Arguments.of("--queue", "x; touch /tmp/pwned", "letters, digits"),
                Arguments.of("--account", "a b", "letters, digits"),
                Arguments.of("--log-directory", "/tmp/a b", "no spaces"),
                Arguments.of("--local-directory", "$(touch /tmp/pwned)", "no command substitution"),
                Arguments.of("--local-directory", "`id`/x", "no command substitution"),
                Arguments.of("--local-directory", "$TMPDIR/$(id)", "no command substitution"),
                Arguments.of("--scheduler-address", "nohost", "HOST:PORT"),
                Arguments.of("--metrics-address", "9464", "HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9464"),
                Arguments.of("--metrics-address", "0.0.0.0:0", "HOST:PORT with a port from 1 to 65535"),
                Arguments.of("--metrics-address", "localhost:70000", "HOST:PORT with a port from 1 to 65535"),
                Arguments.of("--metrics-address", "$(id):9464", "HOST:PORT with a port from 1 to 65535"),
                Arguments.of("--death-timeout", "0", "seconds"),
                Arguments.of("--system", "lsf", "slurm, pbs, local"),
                Arguments.of("--shebang", "bash", "#!"),
                Arguments.of("--prologue", "echo a\ntouch /tmp/pwned", "line break"),
                Arguments.of("--java", "java\0", "NUL"),
                Arguments.of("--worker-command", "apptainer exec 'my image.sif java", "the ' at character 16 is never closed"),
                Arguments.of("--worker-command", "  ", "a word with spaces in '...'"),
                Arguments.of("--worker-java", " ", "auto, bundled, or a java command"),
                Arguments.of("--job-extra-directive", "--comment=x\ntouch /tmp/pwned", "line break"),
                Arguments.of("--queue", "normal\n#SBATCH --wrap=id", "line break"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badValues")
    void exitsTwoWithOneLine(String option, String value, String form) {
        String system = option.equals("--system") ? "--walltime=10" : "--system=slurm";
        CliRun.Result r = new CliRun(home).run("print", "job-script", system, option, value);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("hpc-dask: invalid " + option + ": ").contains(form);
    }

    @Test
    void badMetricsAddressStartsNoCluster() {
        CliRun.Result r = new CliRun(home).run("cluster", "up", "--system", "local", "--metrics-address", "localhost");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).isEqualTo("hpc-dask: invalid --metrics-address: 'localhost' is not valid; expected HOST:PORT"
                + " with a port from 1 to 65535, e.g. 127.0.0.1:9464 or 0.0.0.0:9464\n");
        assertThat(home.resolve(".hpc-dask/clusters")).doesNotExist(); // nothing written, nothing started
    }

    @Test
    void unknownOptionIsOneLineWithTheHelpCommand() {
        CliRun.Result r = new CliRun(home).run("print", "job-script", "--cpus", "2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("hpc-dask: Unknown options: '--cpus', '2' (see 'hpc-dask print job-script --help')\n");
    }

    @Test
    void badConfigFileIsExitTwoWithFileAndLine() throws Exception {
        Path cfg = home.resolve("c.yaml");
        Files.writeString(cfg, "cores: 2\nwalltme: 10\n");
        CliRun.Result r = new CliRun(home).env("HPC_DASK_CONFIG", cfg.toString()).run("print", "job-script");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("hpc-dask: config file " + cfg + " line 2: unknown key 'walltme' "
                + "(did you mean 'walltime'?); 'hpc-dask config show' lists every key\n");
    }

    @Test
    void missingTemplateDirIsBadInput() {
        CliRun.Result r = new CliRun(home).run("print", "job-script", "--template-dir", home.resolve("none").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is not a directory");
    }

    @Test
    void brokenSiteTemplateNamesTheFileAndLine() throws Exception {
        Path dir = Files.createDirectories(home.resolve("tpl"));
        Files.writeString(dir.resolve("slurm-header.ftl"), "#SBATCH -J ${jobName}\n#SBATCH --qos=${qos}\n");
        CliRun.Result r = new CliRun(home).run("print", "job-script", "--system", "slurm", "--template-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("hpc-dask: template " + dir.resolve("slurm-header.ftl") + " line 2:");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void groupWithoutSubcommandIsBadInput() {
        CliRun.Result r = new CliRun(home).run("print");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("missing subcommand; expected one of: job-script");
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : new String[][] {{"--help"}, {"print", "--help"}, {"print", "job-script", "--help"},
            {"config", "--help"}, {"config", "show", "--help"}}) {
            CliRun.Result r = new CliRun(home).run(cmd);
            assertThat(r.exitCode()).as(String.join(" ", cmd)).isZero();
            assertThat(r.out()).contains("Usage: hpc-dask");
        }
        assertThat(new CliRun(home).run("--help").out()).contains("Exit codes:").contains("2  bad input");
    }
}
