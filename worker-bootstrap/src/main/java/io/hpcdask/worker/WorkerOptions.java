package io.hpcdask.worker;

import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.protocol.Walltime;
import java.nio.file.Path;

/**
 * The worker's command line as given. Absent values are null (or 0 for counts) and are filled in from the node by
 * {@link NodeFacts}.
 */
record WorkerOptions(String schedulerHost, int schedulerPort, Path tokenFile, String name, int cores, Memory memory,
                     Resources resources, int slots, Walltime lifetime, long deathTimeoutSeconds, Path localDirectory,
                     long lifetimeGraceSeconds, long leaseSeconds) {
    /**
     * A worker that has not heard from its scheduler for this long kills its runs (the scheduler re-stages them after
     * the lease and a margin); long enough for a scheduler restart, short enough to bound a partition.
     */
    static final long DEFAULT_LEASE_SECONDS = 40;

    static final long DEFAULT_DEATH_TIMEOUT_SECONDS = 60;
    static final long DEFAULT_LIFETIME_GRACE_SECONDS = 120;
}
