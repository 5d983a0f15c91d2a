package io.hpcdask.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How long ago this process started, as the kernel counts it. Not {@code ProcessHandle.info().startInstant()}: that
 * adds the start's clock ticks since boot to the boot time of {@code /proc/stat}, which is in whole seconds, so every
 * age it gives is off by the same fraction of a second (190 ms on the machine this was measured on, up to 1 s). Both
 * figures here count from boot: {@code /proc/uptime} in hundredths, the start in clock ticks.
 */
final class ProcessAge {
    /** Clock ticks per second of {@code /proc/PID/stat}: USER_HZ, 100 on every Linux the worker runs on. */
    private static final int TICKS_PER_SECOND = 100;

    private ProcessAge() {
    }

    /** Milliseconds since this process started, or -1 where {@code /proc} does not say. */
    static long millis() {
        return millis("self");
    }

    /** Milliseconds since process {@code pid} ("self", or a number) started, or -1 where {@code /proc} does not say. */
    static long millis(String pid) {
        try {
            return millis(Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII),
                    Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** From the texts of {@code /proc/self/stat} and {@code /proc/uptime}. */
    static long millis(String stat, String uptime) {
        // field 22 (starttime) counted from field 3, the first after the command name, which may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long startTicks = Long.parseLong(fields[22 - 3]);
        String up = uptime.trim().split("\\s+")[0];
        long upMillis = Math.round(Double.parseDouble(up) * 1000);
        return upMillis - startTicks * 1000 / TICKS_PER_SECOND;
    }
}
