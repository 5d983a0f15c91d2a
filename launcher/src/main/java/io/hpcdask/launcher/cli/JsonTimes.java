package io.hpcdask.launcher.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Times and durations as every JSON shape of hpc-dask writes them: ISO-8601 in UTC to the second
 * ({@code 2026-12-01T16:52:06Z}), durations in seconds (to the millisecond), so no reader has to know our clock units.
 */
final class JsonTimes {
    private JsonTimes() {
    }

    /** The ISO-8601 UTC time of epoch milliseconds, or null. */
    static String time(Long epochMillis) {
        return epochMillis == null || epochMillis <= 0 ? null
                : Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Milliseconds as seconds, or null. */
    static Double seconds(Long millis) {
        return millis == null ? null : Math.max(0, millis) / 1000.0;
    }
}
