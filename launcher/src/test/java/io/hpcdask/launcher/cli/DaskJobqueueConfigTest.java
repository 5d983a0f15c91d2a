package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dask-jobqueue's own jobqueue.yaml files, written from its documentation (the example configurations page, the
 * "Configure Dask-Jobqueue" page and the field list of its default jobqueue.yaml), through {@code config show} and
 * {@code print job-script}. The expected headers are what dask-jobqueue's SLURMJob and PBSJob write for the same
 * settings (dask's "GB" is decimal; both round memory up to whole binary units: 25 GB is --mem=24G). Where hpc-dask
 * differs on purpose the test says so: {@code #SBATCH -N 1}, which hpc-dask adds; and defaults (dask-jobqueue's own
 * jobqueue.yaml defaults, e.g. name dask-worker, are dask-jobqueue's, not the user's).
 */
class DaskJobqueueConfigTest {
    @TempDir
    Path home;

    /** The example of NCAR's Cheyenne and its DAV clusters, from dask-jobqueue's example configurations page. */
    private static final String CHEYENNE = """
            distributed:
              scheduler:
                bandwidth: 1000000000     # GB MB/s estimated worker-worker bandwidth
              worker:
                memory:
                  target: 0.90
            jobqueue:
              pbs:
                name: dask-worker
                cores: 36                 # Total number of cores per job
                memory: '109 GB'          # Total amount of memory per job
                processes: 9              # Number of Python processes per job
                interface: ib0            # Network interface to use like eth0 or ib0
                queue: regular
                walltime: '00:30:00'
                resource-spec: select=1:ncpus=36:mem=109GB
              slurm:
                name: dask-worker
                # Dask worker options
                cores: 1                  # Total number of cores per job
                memory: '25 GB'           # Total amount of memory per job
                processes: 1              # Number of Python processes per job
                interface: ib0
                project: PXYZ123
                walltime: '00:30:00'
                job-extra: {-C geyser}
            """;

    private Path userDaskFile(String text) throws Exception {
        Path dir = Files.createDirectories(home.resolve(".config/dask"));
        return Files.writeString(dir.resolve("jobqueue.yaml"), text);
    }

    private static List<String> header(String script, String prefix) {
        return script.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void cheyennesSlurmSectionGivesDaskJobqueuesHeader() throws Exception {
        Path file = userDaskFile(CHEYENNE);
        CliRun.Result show = new CliRun(home).env("HPC_DASK_SYSTEM", "slurm").run("config", "show");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("# dask-jobqueue files (lowest layer): " + file + "\n")
                .containsPattern("(?m)^cores +1 +# " + file + ":20 \\(jobqueue.slurm.cores\\)$")
                .containsPattern("(?m)^memory +25 GB +# " + file + ":21 \\(jobqueue.slurm.memory\\)$")
                .containsPattern("(?m)^account +PXYZ123 +# " + file + ":24 \\(jobqueue.slurm.project\\)$")
                .containsPattern("(?m)^interface +ib0 +# " + file + ":23 \\(jobqueue.slurm.interface\\)$")
                .containsPattern("(?m)^job-extra-directive +\\[-C geyser\\] +# " + file + ":26 \\(jobqueue.slurm.job-extra\\)$")
                .containsPattern("(?m)^job-name +dask-worker +# " + file + ":18 \\(jobqueue.slurm.name\\)$")
                .containsPattern("(?m)^queue +\\(unset\\) +# default$")
                .containsPattern("(?m)^system +slurm +# environment HPC_DASK_SYSTEM$");
        assertThat(show.err()).doesNotContain("warning"); // processes: 1 is what hpc-dask does anyway

        CliRun.Result script = new CliRun(home).env("HPC_DASK_SYSTEM", "slurm").run("print", "job-script");
        assertThat(script.exitCode()).as(script.err()).isZero();
        // dask-jobqueue: SLURMJob with name, project, cores 1, memory 25 GB, walltime, job_extra ['-C geyser']
        assertThat(header(script.out(), "#SBATCH")).containsExactly(
                "#SBATCH -J dask-worker",
                "#SBATCH -A PXYZ123",
                "#SBATCH -n 1",
                "#SBATCH -N 1", // hpc-dask's own: one task on one node, said outright
                "#SBATCH --cpus-per-task=1",
                "#SBATCH --mem=24G",
                "#SBATCH -t 00:30:00",
                "#SBATCH -C geyser");
    }

    @Test
    void cheyennesPbsSectionWarnsOfWhatItIgnores() throws Exception {
        Path file = userDaskFile(CHEYENNE);
        CliRun.Result script = new CliRun(home).env("HPC_DASK_SYSTEM", "pbs").run("print", "job-script");
        assertThat(script.exitCode()).as(script.err()).isZero();
        assertThat(script.err())
                .contains("warning: " + file + ":12: jobqueue.pbs.processes: 9 is ignored: hpc-dask runs 1 worker per job")
                .contains("warning: " + file + ":16: jobqueue.pbs.resource-spec is ignored: hpc-dask writes"
                        + " '-l select=1:ncpus=..:mem=..' from cores and memory");
        // dask-jobqueue writes the resource-spec as given; without one (what hpc-dask does) it writes
        // select=1:ncpus=36:mem=102GB for 36 cores and 109 GB (pbs_format_bytes_ceil)
        assertThat(header(script.out(), "#PBS")).containsExactly(
                "#PBS -N dask-worker",
                "#PBS -q regular",
                "#PBS -l select=1:ncpus=36:mem=102GB",
                "#PBS -l walltime=00:30:00");
    }

    @Test
    void theConfigurePagesPbsExample() throws Exception {
        Path file = userDaskFile("""
                jobqueue:
                  pbs:
                    cores: 36
                    memory: 100GB
                    queue: regular
                """);
        CliRun.Result show = new CliRun(home).run("config", "show");
        assertThat(show.out()).containsPattern("(?m)^queue +regular +# " + file + ":5 \\(jobqueue.pbs.queue\\)$");
        CliRun.Result script = new CliRun(home).env("HPC_DASK_SYSTEM", "pbs").run("print", "job-script");
        assertThat(script.exitCode()).as(script.err()).isZero();
        // dask-jobqueue: -N dask-worker from its own defaults file, where hpc-dask names jobs hpc-dask-worker
        assertThat(header(script.out(), "#PBS")).containsExactly(
                "#PBS -N hpc-dask-worker",
                "#PBS -q regular",
                "#PBS -l select=1:ncpus=36:mem=94GB",
                "#PBS -l walltime=00:30:00");
    }

    @Test
    void everyFieldOfTheDefaultFileMapsOrIsWarnedAbout() throws Exception {
        Path file = userDaskFile("""
                jobqueue:
                  slurm:
                    name: dask-worker
                    cores: 8
                    memory: 16GB
                    processes: 2
                    interface: null
                    death-timeout: 120
                    local-directory: $TMPDIR
                    shared-temp-directory: null
                    worker-extra-args: ["--nthreads", "4"]
                    python: /usr/bin/python3
                    shebang: "#!/usr/bin/env bash"
                    queue: normal
                    account: proj1
                    walltime: '02:00:00'
                    job-script-prologue: ['module load java/17']
                    job_cpu: 16
                    job-extra-directives: ['--gres=gpu:1']
                    job-directives-skip: ['--mem']
                    log-directory: /scratch/logs
                    scheduler-options: {}
                """);
        CliRun.Result script = new CliRun(home).env("HPC_DASK_SYSTEM", "slurm").run("print", "job-script");
        assertThat(script.exitCode()).as(script.err()).isZero();
        assertThat(script.err().lines().filter(l -> l.startsWith("warning: "))).containsExactly(
                "warning: " + file + ":6: jobqueue.slurm.processes: 2 is ignored: hpc-dask runs 1 worker per job,"
                        + " which takes as many runs at once as its cores allow",
                "warning: " + file + ":11: jobqueue.slurm.worker-extra-args is ignored: hpc-dask's worker is not"
                        + " dask-worker and takes none of its arguments",
                "warning: " + file + ":12: jobqueue.slurm.python is ignored: hpc-dask's workers run on Java, not Python",
                "warning: " + file + ":18: jobqueue.slurm.job-cpu is ignored: hpc-dask asks for 'cores' cores");
        // dask-jobqueue: the --mem line skipped (job-directives-skip), the extra directive after the generated ones
        assertThat(header(script.out(), "#SBATCH")).containsExactly(
                "#SBATCH -J dask-worker",
                "#SBATCH -e /scratch/logs/dask-worker-%J.err",
                "#SBATCH -o /scratch/logs/dask-worker-%J.out",
                "#SBATCH -p normal",
                "#SBATCH -A proj1",
                "#SBATCH -n 1",
                "#SBATCH -N 1", // hpc-dask's own
                "#SBATCH --cpus-per-task=8",
                "#SBATCH -t 02:00:00",
                "#SBATCH --gres=gpu:1");
        assertThat(script.out()).contains("\nmodule load java/17\n").contains(" --death-timeout 120 ")
                .contains("--local-directory \"$TMPDIR\"");
    }

    @Test
    void filesAreReadInDasksOrderAndHpcDasksOwnFilesWin() throws Exception {
        Path root = Files.createDirectories(home.resolve("etc-dask"));
        Path site = Files.writeString(root.resolve("site.yaml"), "jobqueue:\n  slurm:\n    queue: a\n    account: site\n");
        Path user = userDaskFile("jobqueue:\n  slurm:\n    queue: b\n");
        Path extra = Files.writeString(home.resolve("extra.yml"), "jobqueue:\n  slurm:\n    walltime: '01:00:00'\n");
        Path own = Files.writeString(home.resolve("hpc-dask.yaml"), "walltime: '03:00:00'\n");
        CliRun.Result show = new CliRun(home).env("DASK_ROOT_CONFIG", root.toString()).env("DASK_CONFIG", extra.toString())
                .env("HPC_DASK_CONFIG", own.toString()).env("HPC_DASK_SYSTEM", "slurm").run("config", "show");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("# dask-jobqueue files (lowest layer): " + site + ", " + user + ", " + extra + "\n")
                .containsPattern("(?m)^queue +b +# " + user + ":3 \\(jobqueue.slurm.queue\\)$")
                .containsPattern("(?m)^account +site +# " + site + ":4 \\(jobqueue.slurm.account\\)$")
                .containsPattern("(?m)^walltime +03:00:00 +# " + own + ":1$");
    }

    @Test
    void aBadValueNamesTheDaskFileAndLineAndExits2() throws Exception {
        Path file = userDaskFile("jobqueue:\n  slurm:\n    cores: many\n");
        CliRun.Result r = new CliRun(home).env("HPC_DASK_SYSTEM", "slurm").run("print", "job-script");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid jobqueue.slurm.cores at " + file + ":3: ");
        assertThat(r.out()).isEmpty();
    }
}
