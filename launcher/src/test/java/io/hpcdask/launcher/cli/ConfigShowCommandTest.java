package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigShowCommandTest {
    @TempDir
    Path home;

    @Test
    void showsEachValueWithItsSource() throws Exception {
        Path cfg = home.resolve("user.yaml");
        Files.writeString(cfg, "cores: 4\nprofiles:\n  gpu:\n    resources: gpu=1\n    job-extra-directive: ['--gres=gpu:1']\n");
        CliRun.Result r = new CliRun(home).env("HPC_DASK_CONFIG", cfg.toString()).env("HPC_DASK_QUEUE", "normal")
                .run("config", "show", "--profile", "gpu", "--memory", "8G");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("(?m)^profile +gpu +# flag --profile$")
                .containsPattern("(?m)^cores +4 +# " + cfg + ":1$")
                .containsPattern("(?m)^memory +8G +# flag --memory$")
                .containsPattern("(?m)^queue +normal +# environment HPC_DASK_QUEUE$")
                .containsPattern("(?m)^resources +gpu=1 +# " + cfg + ":4 \\(profile gpu\\)$")
                .containsPattern("(?m)^job-extra-directive +\\[--gres=gpu:1\\] +# " + cfg + ":5 \\(profile gpu\\)$")
                .containsPattern("(?m)^walltime +00:30:00 +# default$")
                .containsPattern("(?m)^account +\\(unset\\) +# default$")
                .containsPattern("(?m)^system +\\(found\\) +# unset: slurm where sbatch runs, pbs where qsub does, else local$");
    }

    @Test
    void profileChangesWhatPrintJobScriptRenders() throws Exception {
        Path cfg = home.resolve("user.yaml");
        Files.writeString(cfg, "system: slurm\nprofiles:\n  gpu:\n    queue: gpu\n    resources: gpu=1\n"
                + "    job-extra-directive: ['--gres=gpu:1']\n");
        CliRun.Result r = new CliRun(home).env("HPC_DASK_CONFIG", cfg.toString()).run("print", "job-script", "--profile", "gpu");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("#SBATCH -p gpu\n").contains("#SBATCH --gres=gpu:1\n").contains("--resources gpu=1 ");
    }
}
