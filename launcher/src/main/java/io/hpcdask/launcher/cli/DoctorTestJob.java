package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.batch.JobSubmission;

/**
 * The job doctor asks the batch system to accept (never to run). Built in this one place until the rendered
 * worker script of a profile replaces it.
 */
public final class DoctorTestJob {
    private DoctorTestJob() {
    }

    public static JobSubmission minimal(String system) {
        String script = switch (system) {
            case "slurm" -> "#!/usr/bin/env bash\n#SBATCH -J hpc-dask-doctor\n#SBATCH -t 00:01:00\ntrue\n";
            case "pbs" -> "#!/usr/bin/env bash\n#PBS -N hpc-dask-doctor\n#PBS -l walltime=00:01:00\ntrue\n";
            default -> "#!/usr/bin/env bash\ntrue\n";
        };
        return JobSubmission.of(script);
    }
}
