package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.ssh.RemoteShell;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Every batch system hpc-dask knows, listed once: the {@code system} setting, detection and templates ask here. */
public final class BatchSystems {
    /** In the order a login node is searched for them; local processes, the fallback, last. */
    public static final List<BatchSystemType> ALL = List.of(SlurmBatchSystem.TYPE, PbsBatchSystem.TYPE, LocalBatchSystem.TYPE);
    public static final List<String> NAMES = ALL.stream().map(BatchSystemType::name).toList();

    private BatchSystems() {
    }

    public static Optional<BatchSystemType> find(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The names as a message lists them: {@code slurm, pbs, local}. */
    public static String namesListed() {
        return String.join(", ", NAMES);
    }

    public static BatchSystemType type(String name) {
        return find(name).orElseThrow(() -> new BadInputException("--system: '" + name + "' is not one of " + namesListed()));
    }

    /** @param localJobsDir where the local system keeps its scripts and exit files */
    public static BatchSystem create(String name, RemoteShell shell, Path localJobsDir) {
        return type(name).opener().open(shell, localJobsDir);
    }
}
