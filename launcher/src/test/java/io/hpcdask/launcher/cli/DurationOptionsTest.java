package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.failure.ExitCodes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every option that takes a time reads the one grammar: 90, 90s, 10m, 1h30m, HH:MM:SS, D-HH:MM:SS. */
class DurationOptionsTest {
    @TempDir
    Path home;

    @ParameterizedTest(name = "--walltime {0} -> {1}")
    @CsvSource({"1h, 01:00:00, 01:00:00", "1h30m, 01:30:00, 01:30:00", "90m, 01:30:00, 01:30:00",
        "00:45:00, 00:45:00, 00:45:00", "1d12h, 1-12:00:00, 36:00:00", "1-12:00:00, 1-12:00:00, 36:00:00",
        "30, 00:30:00, 00:30:00"}) // a bare walltime is minutes, as SLURM reads it
    void walltimeInEveryForm(String given, String header, String lifetime) {
        CliRun.Result r = CliInHome.run(home, "print", "job-script", "--system", "slurm", "--walltime", given);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("#SBATCH -t " + header + "\n").contains("--lifetime " + lifetime);
    }

    @ParameterizedTest(name = "--death-timeout {0} -> {1} s")
    @CsvSource({"2m, 120", "90s, 90", "45, 45", "00:01:30, 90"})
    void deathTimeoutInEveryForm(String given, String seconds) {
        CliRun.Result r = CliInHome.run(home, "print", "job-script", "--system", "slurm", "--death-timeout", given);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("--death-timeout " + seconds + " ");
    }

    @Test
    void aBadDurationNamesTheOptionAndTheForms() {
        CliRun.Result r = CliInHome.run(home, "print", "job-script", "--system", "slurm", "--death-timeout", "soon");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("death-timeout").contains("'soon'").contains("90s, 10m, 1h30m, 2d, HH:MM:SS or D-HH:MM:SS");
        assertThat(r.out()).isEmpty();
    }
}
