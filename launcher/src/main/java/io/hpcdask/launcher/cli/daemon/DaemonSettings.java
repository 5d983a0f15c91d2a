package io.hpcdask.launcher.cli.daemon;

import java.time.Duration;
import java.util.Map;

/**
 * The daemon's two settings from the environment: {@code HPC_DASK_CLI_DAEMON=0} turns it off (any other value, or
 * none, leaves it on); {@code HPC_DASK_CLI_DAEMON_IDLE} is how long it waits for calls before it ends, in seconds or
 * with a unit ({@code 90}, {@code 90s}, {@code 30m}, {@code 2h}), default 30 minutes.
 */
public final class DaemonSettings {
    public static final String ENABLED = "HPC_DASK_CLI_DAEMON";
    public static final String IDLE = "HPC_DASK_CLI_DAEMON_IDLE";
    static final String IDLE_FORM = "a whole number of seconds, or with a unit s, m or h (e.g. 90, 30m, 2h)";

    private DaemonSettings() {
    }

    public static boolean enabled(Map<String, String> env) {
        return !"0".equals(env.get(ENABLED));
    }

    /** The idle time; IllegalArgumentException naming the variable and the accepted form. */
    public static Duration idle(Map<String, String> env) {
        String v = env.get(IDLE);
        if (v == null || v.isEmpty()) {
            return DaemonServer.DEFAULT_IDLE;
        }
        String t = v.strip();
        if (!t.matches("\\d{1,7}[smh]?")) {
            throw new IllegalArgumentException(IDLE + ": '" + v + "' is not a duration; expected " + IDLE_FORM);
        }
        char unit = t.charAt(t.length() - 1);
        long n = Long.parseLong(Character.isDigit(unit) ? t : t.substring(0, t.length() - 1));
        return switch (unit) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
