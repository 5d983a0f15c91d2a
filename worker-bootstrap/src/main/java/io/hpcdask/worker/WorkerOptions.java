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
                     long lifetimeGraceSeconds) {
    static final long DEFAULT_DEATH_TIMEOUT_SECONDS = 60;
    static final long DEFAULT_LIFETIME_GRACE_SECONDS = 120;
}
