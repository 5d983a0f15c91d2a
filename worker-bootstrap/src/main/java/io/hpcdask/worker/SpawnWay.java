package io.hpcdask.worker;

import java.util.Locale;

/**
 * The way this worker tries first to start runs ({@code HPC_DASK_WORKER_SPAWN}); where it cannot run, the next one
 * down is tried: the C helper, the perl helper, the JDK.
 */
enum SpawnWay {
    NATIVE, PERL, JDK;

    static final String ENV = "HPC_DASK_WORKER_SPAWN";

    /** Unset or blank: the best, {@link #NATIVE}. */
    static SpawnWay of(String text) throws UsageException {
        if (text == null || text.isBlank()) {
            return NATIVE;
        }
        for (SpawnWay way : values()) {
            if (way.name().equalsIgnoreCase(text.trim())) {
                return way;
            }
        }
        throw new UsageException(ENV + ": '" + text + "' is not native, perl or jdk");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
