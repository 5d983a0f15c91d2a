package io.hpcdask.launcher.config;

import java.util.List;

/**
 * One setting: the same name is a CLI flag ({@code --name}), a config-file key ({@code name:}) and an environment
 * variable ({@code HPC_DASK_NAME}, upper case with '_' for '-').
 */
public record ConfigKey(String name, ValueKind kind, boolean repeatable, String defaultValue, String description) {

    public String flag() {
        return "--" + name;
    }

    public String envVar() {
        return "HPC_DASK_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /**
     * By name, the key's identity (each name is one key, ConfigKeys). Written out: a record's generated equals and
     * hashCode are bootstrapped by method handles at their first call, spun at run time (no class-data archive holds
     * them on Java 17), some 20 ms of every command that reads its settings.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigKey k && k.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    public List<String> defaults() {
        return defaultValue == null ? List.of() : List.of(defaultValue);
    }
}
