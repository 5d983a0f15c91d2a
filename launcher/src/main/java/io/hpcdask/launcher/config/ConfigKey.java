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

    public List<String> defaults() {
        return defaultValue == null ? List.of() : List.of(defaultValue);
    }
}
