package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.ssh.LocalShell;
import io.hpcdask.launcher.testenv.TestEnv;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemChoiceTest {
    private static Settings defaults() {
        return Settings.recorded(Map.of(), null, "test");
    }

    @Test
    void slurmWinsWhenSbatchIsThere() {
        SystemChoice c = SystemChoice.choose(defaults(), "found sbatch\nfound qsub\nlogin1\n", "alice@login:22");
        assertThat(c.settings().system()).isEqualTo("slurm");
        assertThat(c.reason()).isEqualTo("Using slurm: sbatch found on login1 (set 'system' to choose)");
        assertThat(c.settings().entry(ConfigKeys.SYSTEM).source().origin()).isEqualTo("found on login1");
    }

    @Test
    void pbsProAndTorqueAreToldApart() {
        assertThat(SystemChoice.choose(defaults(), "found qsub\npbs_version = 2022.1.1\nlogin2\n", "x").reason())
                .isEqualTo("Using pbs: qsub found on login2 (PBS Pro) (set 'system' to choose)");
        assertThat(SystemChoice.choose(defaults(), "found qsub\nVersion: 6.1.3\nlogin3\n", "x").reason())
                .isEqualTo("Using pbs: qsub found on login3 (Torque) (set 'system' to choose)");
    }

    @Test
    void localWhenNoBatchCommandIsFound() {
        SystemChoice c = SystemChoice.choose(defaults(), "laptop\n", "localhost");
        assertThat(c.settings().system()).isEqualTo("local");
        assertThat(c.reason()).startsWith("Using local: neither sbatch nor qsub found on laptop");
    }

    @Test
    void anExplicitSystemIsKeptWithoutAsking() {
        Settings explicit = Settings.recorded(Map.of("system", List.of("pbs")), null, "test");
        SystemChoice c = SystemChoice.of(explicit, new LocalShell());
        assertThat(c.settings().system()).isEqualTo("pbs");
        assertThat(c.reason()).isNull();
    }

    /** On this machine the tests' SLURM is installed, so a command without --system finds it, as on a login node. */
    @Test
    void printJobScriptWithoutSystemFindsTheRealSlurm(@TempDir Path home) {
        TestEnv.requireSlurm();
        CliRun.Result r = new CliRun(home).run("print", "job-script", "--cores", "2", "--memory", "8G", "--walltime", "00:30:00");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).startsWith("Using slurm: sbatch found on ");
        assertThat(r.out()).contains("#SBATCH --cpus-per-task=2", "#SBATCH --mem=8G", "#SBATCH -t 00:30:00");
    }
}
