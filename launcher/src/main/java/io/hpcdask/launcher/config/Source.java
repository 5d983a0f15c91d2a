package io.hpcdask.launcher.config;

/**
 * Where a value came from. {@code label} names it in an error ("--memory", "HPC_DASK_MEMORY",
 * "memory at /etc/hpc-dask/config.yaml:3"); {@code origin} says where it came from in {@code config show}.
 */
public record Source(String label, String origin) {

    public static Source defaultValue(ConfigKey key) {
        return new Source(key.name(), "default");
    }

    public static Source flag(ConfigKey key) {
        return new Source(key.flag(), "flag " + key.flag());
    }

    public static Source env(ConfigKey key) {
        return new Source(key.envVar(), "environment " + key.envVar());
    }

    public static Source file(String key, String file, int line, String profile) {
        String where = file + ":" + line;
        return new Source(key + " at " + where, profile == null ? where : where + " (profile " + profile + ")");
    }
}
