package io.hpcdask.launcher.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times and durations as every JSON shape of hpc-dask writes them: ISO-8601 in UTC ({@code 2026-12-01T16:52:06.153Z}),
 * durations in seconds, so no reader has to know our clock units. Both keep the milliseconds: runs of a scheduler
 * start and end within the same second, and their order and latency are what a program reading them wants.
 */
final class JsonTimes {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private JsonTimes() {
    }

    /** The ISO-8601 UTC time of epoch milliseconds, or null. */
    static String time(Long epochMillis) {
        return epochMillis == null || epochMillis <= 0 ? null : UTC.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Milliseconds as seconds, or null. */
    static Double seconds(Long millis) {
        return millis == null ? null : Math.max(0, millis) / 1000.0;
    }
}
