package io.hpcdask.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.worker.WorkerCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs examples/slurm-profiles/run.sh as a user would, through the repository's ./hpc-dask command. */
class SlurmProfilesExampleTest {
    static final Path ROOT = Path.of(System.getProperty("hpcdask.repo.root", ".."));

    @Test
    void printsTheScriptOfEachProfile() throws Exception {
        Process p = new ProcessBuilder("bash", "examples/slurm-profiles/run.sh").directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        String cpu = out.substring(out.indexOf("### profile cpu"), out.indexOf("### profile gpu"));
        String gpu = out.substring(out.indexOf("### profile gpu"));
        assertThat(cpu).contains("#SBATCH -p normal\n", "#SBATCH --cpus-per-task=32\n", "#SBATCH --mem=120G\n",
                "#SBATCH -t 02:00:00\n", "#SBATCH -e /scratch/hpc-dask/logs/hpc-dask-worker-%J.err\n",
                "module load java/17\n# class-data archive",
                "\n/opt/java/17/bin/java ${hpc_dask_cds_option:+\"$hpc_dask_cds_option\"}"
                        + " ${hpc_dask_cds_dump:+\"-Dhpcdask.worker.classArchive=$hpc_dask_cds_dump\"} "
                        + ShellQuote.join(WorkerCommand.JVM_OPTIONS) + " -jar ").doesNotContain("gres", "--resources");
        assertThat(gpu).contains("#SBATCH -p gpu\n", "#SBATCH --cpus-per-task=8\n", "#SBATCH --mem=64G\n",
                "#SBATCH --gres=gpu:1\n", "--resources gpu=1 ");
    }
}
