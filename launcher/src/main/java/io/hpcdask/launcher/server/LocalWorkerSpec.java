package io.hpcdask.launcher.server;

import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.worker.WorkerOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * What each local worker offers; null fields are left to the worker's own defaults. {@code heartbeatSeconds} and
 * {@code leaseSeconds} are the cluster's link timing (the lease reaches batch workers through their job script).
 * {@code workerCommand} is the command that runs the worker JVM (worker-command's words), empty for this JVM's java.
 */
public record LocalWorkerSpec(int count, Integer cores, Memory memory, Resources resources, Integer slots,
                              long deathTimeoutSeconds, long heartbeatSeconds, long leaseSeconds, List<String> workerCommand) {
    public static final long DEFAULT_HEARTBEAT_SECONDS = 10;
    public static final long DEFAULT_LEASE_SECONDS = 40;

    public LocalWorkerSpec(int count, Integer cores, Memory memory, Resources resources, Integer slots,
                           long deathTimeoutSeconds, long heartbeatSeconds, long leaseSeconds) {
        this(count, cores, memory, resources, slots, deathTimeoutSeconds, heartbeatSeconds, leaseSeconds, List.of());
    }

    public LocalWorkerSpec {
        workerCommand = workerCommand == null ? List.of() : List.copyOf(workerCommand);
    }

    public LocalWorkerSpec(int count, Integer cores, Memory memory, Resources resources, Integer slots,
                           long deathTimeoutSeconds) {
        this(count, cores, memory, resources, slots, deathTimeoutSeconds, DEFAULT_HEARTBEAT_SECONDS, DEFAULT_LEASE_SECONDS);
    }

    /** The options of one worker: it registers as {@code name} plus its job id, with the token in {@code tokenFile}. */
    public WorkerOptions options(String schedulerAddress, Path tokenFile, String name) {
        return WorkerOptions.builder(schedulerAddress, tokenFile.toString(), name).cores(cores).memory(memory)
                .resources(resources).slots(slots).deathTimeoutSeconds(deathTimeoutSeconds).leaseSeconds(leaseSeconds)
                .build();
    }
}
