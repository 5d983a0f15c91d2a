package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.batch.BatchSystems;
import io.hpcdask.launcher.ssh.SshSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hpc-dask doctor}: is this cluster ready for hpc-dask workers? */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = "Checks, one line each, everything workers need on a cluster: the SSH host key is known, the"
                + " SSH login works, the batch system's commands are there (and their version), java 17+ is on the"
                + " remote PATH, the worker jar is uploaded (~/.hpc-dask/lib), and the batch system accepts a test"
                + " job (sbatch --test-only, or a held PBS job that is deleted at once). Exits 0 only when all pass.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  hpc-dask doctor --system slurm --ssh alice@login.cluster.org",
            "  hpc-dask doctor --system pbs --ssh cluster-alias --ssh-accept-new",
            "  hpc-dask doctor --system local",
        })
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--system", paramLabel = "SYSTEM", defaultValue = "slurm",
            description = "The batch system: slurm, pbs or local (default: ${DEFAULT-VALUE}).")
    String system;

    @Mixin
    SshOptions sshOptions;

    @Override
    public Integer call() {
        if (!BatchSystems.NAMES.contains(system)) {
            throw new BadInputException("--system: '" + system + "' is not one of slurm, pbs, local");
        }
        SshSettings settings = sshOptions.settings();
        Path localJobs = Path.of(System.getProperty("user.home"), ".hpc-dask", "local-jobs");
        boolean ok = new Doctor(system, settings, sshOptions.batchPath(), DoctorTestJob.minimal(system), localJobs).run(spec.commandLine().getOut());
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
