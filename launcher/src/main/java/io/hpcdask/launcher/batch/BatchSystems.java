package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.ssh.RemoteShell;
import java.nio.file.Path;
import java.util.List;

/** Picks the batch system named by {@code --system}. */
public final class BatchSystems {
    public static final List<String> NAMES = List.of("slurm", "pbs", "local");

    private BatchSystems() {
    }

    /** @param localJobsDir where the local system keeps its scripts and exit files */
    public static BatchSystem create(String name, RemoteShell shell, Path localJobsDir) {
        return switch (name == null ? "" : name) {
            case "slurm" -> new SlurmBatchSystem(shell);
            case "pbs" -> PbsBatchSystem.detect(shell);
            case "local" -> new LocalBatchSystem(localJobsDir);
            default -> throw new BadInputException("--system: '" + name + "' is not one of slurm, pbs, local");
        };
    }
}
