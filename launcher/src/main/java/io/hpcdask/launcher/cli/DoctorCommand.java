package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.ssh.SshSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hpc-dask doctor}: is this cluster ready for hpc-dask workers? */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = "Checks, one line each, everything workers need on a cluster: the SSH host key is known, the"
                + " SSH login works, the batch system's commands are there (and their version), java 17+ is on the"
                + " remote PATH, the worker jar is uploaded (~/.hpc-dask/lib), and the batch system accepts a test"
                + " job (sbatch --test-only, or a held PBS job that is deleted at once). Then, for slurm and pbs, it submits one"
                + " short job whose compute node dials the address workers would (scheduler-address, or where a"
                + " server on the login node would listen) and reports what happened; the job is cancelled after."
                + " Exits 0 only when all pass.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  hpc-dask doctor --system slurm --ssh alice@login.cluster.org",
            "  hpc-dask doctor --system pbs --ssh cluster-alias --ssh-accept-new",
            "  hpc-dask doctor --system slurm --scheduler-address login1-ib:40001",
            "  hpc-dask doctor --system slurm --no-network",
            "  hpc-dask doctor --system local",
            "  hpc-dask doctor --system slurm -o json > doctor.json",
        })
public final class DoctorCommand extends BaseCommand implements JobOptions.Command {
    @Mixin
    SshOptions sshOptions;

    @picocli.CommandLine.Option(names = "--no-network", description = "Skip the network check (the test job that"
            + " probes, from a compute node, the address workers would dial); it takes as long as the job needs to start.")
    boolean noNetwork;

    DoctorCommand(CliContext context) {
        super(context);
    }

    @Mixin
    OutputOptions output;

    /** The JSON shape (docs/json/doctor.schema.json): every check with its verdict, and the names of those that failed. */
    record Json(int version, String system, boolean ok, List<Check> checks, List<String> failed) {}

    /** {@code verdict}: ok, fail or skip. */
    record Check(String name, String verdict, String text) {}

    @Override
    int doCall() {
        OutputMode mode = output.mode(context);
        Settings settings = JobOptions.settings(spec, context);
        String system = settings.system();
        SshSettings ssh = sshOptions.settings(settings);
        Path localJobs = context.hpcDaskHome().resolve("local-jobs");
        Doctor doctor = new Doctor(system, ssh, sshOptions.batchPath(), DoctorTestJob.of(settings), localJobs, settings);
        if (!noNetwork && !system.equals("local")) {
            doctor.withNetworkCheck(settings);
        }
        // the checks show as they run (on stderr when stdout is JSON or names only): the test job may take minutes
        boolean ok = doctor.run(mode == OutputMode.TABLE ? out() : err());
        if (mode != OutputMode.TABLE) {
            List<Check> checks = doctor.outcomes().stream().map(c -> new Check(c.name(), c.verdict().toLowerCase(Locale.ROOT),
                    c.text())).toList();
            mode.print(Report.of(new Json(1, system, ok, checks, doctor.failures()), out -> { },
                    out -> doctor.failures().forEach(out::println)), out());
        }
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
