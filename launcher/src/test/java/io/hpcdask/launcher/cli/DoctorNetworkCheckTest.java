package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.JobScriptRenderer;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Where doctor's probe job writes its answer, and what the probe script is. */
class DoctorNetworkCheckTest {
    private static final Pattern OUT = Pattern.compile("^#(?:SBATCH|PBS)\\s+(?:-o\\s*|--output[= ])(\\S+)\\s*$",
            Pattern.MULTILINE);

    private static Settings settings(String system, String logDirectory) {
        return Settings.recorded(Map.of("system", List.of(system), "log-directory", List.of(logDirectory),
                "job-name", List.of("probe"), "java", List.of("/opt/java 17/bin/java")), null, "test");
    }

    @Test
    void theProbeScriptIsTheProfilesScriptWithTheProbeInsteadOfTheWorker() {
        String script = JobScriptRenderer.renderProbe(settings("slurm", "/home/u/.hpc-dask/doctor"),
                "/home/u/.hpc-dask/lib/w.jar", null, "10.213.1.1:40001");
        assertThat(script).contains("#SBATCH -J probe\n")
                .contains("#SBATCH -o /home/u/.hpc-dask/doctor/probe-%J.out\n")
                .contains("\n'/opt/java 17/bin/java' -jar /home/u/.hpc-dask/lib/w.jar --probe 10.213.1.1:40001\n")
                .doesNotContain("--scheduler");
    }

    @Test
    void slurmPatternsAreResolvedAndPbsDirectoriesSearched() {
        Settings slurm = settings("slurm", "/d");
        assertThat(DoctorNetworkCheck.fileGlob(OUT, "o", "#SBATCH -o /d/%x-%j-%%.out\n", "57", slurm))
                .isEqualTo("/d/probe-57-%.out");
        assertThat(DoctorNetworkCheck.fileGlob(OUT, "o", JobScriptRenderer.renderProbe(settings("pbs", "/pbs/logs"), "w.jar",
                null, "h:1"), "1234.pbs-server", settings("pbs", "/pbs/logs")))
                .isEqualTo("/pbs/logs/1234.pbs-server.OU /pbs/logs/*.o1234*");
        assertThat(DoctorNetworkCheck.fileGlob(OUT, "o", "#!/bin/bash\ntrue\n", "57", slurm)).isNull();
    }
}
