package io.hpcdask.launcher.config;

import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.protocol.Walltime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The effective, checked settings for one profile, each with the source it came from. */
public final class Settings {

    /** One effective value; {@code parsed} is empty when the key is unset. */
    public record Entry(ConfigKey key, List<String> raw, List<Object> parsed, Source source) {
        public boolean isSet() {
            return !parsed.isEmpty();
        }
    }

    private final Map<ConfigKey, Entry> entries;
    private final String profile;
    private final Source profileSource;
    private final List<String> warnings;

    Settings(Map<ConfigKey, Entry> entries, String profile, Source profileSource, List<String> warnings) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.profile = profile;
        this.profileSource = profileSource;
        this.warnings = List.copyOf(warnings);
    }

    /** What a layer could not honour (a dask-jobqueue key hpc-dask ignores), one line each with its file and line. */
    public List<String> warnings() {
        return warnings;
    }

    /** The selected profile, or null. */
    public String profile() {
        return profile;
    }

    public Source profileSource() {
        return profileSource;
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    public Entry entry(ConfigKey key) {
        return entries.get(key);
    }

    public <T> Optional<T> value(ConfigKey key, Class<T> type) {
        Entry e = entries.get(key);
        return e == null || e.parsed().isEmpty() ? Optional.empty() : Optional.of(type.cast(e.parsed().get(0)));
    }

    public Optional<String> string(ConfigKey key) {
        return value(key, Object.class).map(Object::toString);
    }

    public List<String> strings(ConfigKey key) {
        Entry e = entries.get(key);
        List<String> out = new ArrayList<>();
        if (e != null) {
            e.parsed().forEach(v -> out.add(v.toString()));
        }
        return out;
    }

    public String system() {
        return string(ConfigKeys.SYSTEM).orElse("local");
    }

    public Optional<Integer> cores() {
        return value(ConfigKeys.CORES, Integer.class);
    }

    public Optional<Memory> memory() {
        return value(ConfigKeys.MEMORY, Memory.class);
    }

    public Walltime walltime() {
        return value(ConfigKeys.WALLTIME, Walltime.class).orElseThrow();
    }

    public Resources resources() {
        return value(ConfigKeys.RESOURCES, Resources.class).orElse(Resources.NONE);
    }

    public long deathTimeoutSeconds() {
        return value(ConfigKeys.DEATH_TIMEOUT, Long.class).orElseThrow();
    }

    public long heartbeatSeconds() {
        return value(ConfigKeys.HEARTBEAT_INTERVAL, Long.class).orElseThrow();
    }

    /** The lease, never shorter than 3 heartbeats (a worker must be able to miss two). */
    public long leaseSeconds() {
        return Math.max(value(ConfigKeys.LEASE, Long.class).orElseThrow(), 3 * heartbeatSeconds());
    }

    /** These settings with one key set to {@code raw}, checked as any value is, recording where it came from. */
    public Settings with(ConfigKey key, String raw, Source source) {
        Map<ConfigKey, Entry> copy = new LinkedHashMap<>(entries);
        copy.put(key, ConfigLoader.check(new ConfigValue(key, List.of(raw), source)));
        return new Settings(copy, profile, profileSource, warnings);
    }

    /** True when the key's value comes from a file, the environment or a flag, not from the built-in default. */
    public boolean isExplicit(ConfigKey key) {
        Entry e = entries.get(key);
        return e != null && !"default".equals(e.source().origin());
    }

    /** Every key that is set, with its raw values: what a running cluster records of a profile. */
    public Map<String, List<String>> raw() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        entries.forEach((k, e) -> {
            if (e.isSet()) {
                out.put(k.name(), List.copyOf(e.raw()));
            }
        });
        return out;
    }

    /** Settings recorded by {@link #raw()}, checked again; unknown keys are refused. */
    public static Settings recorded(Map<String, List<String>> raw, String profile, String origin) {
        Map<ConfigKey, Entry> entries = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            entries.put(key, ConfigLoader.check(new ConfigValue(key, key.defaults(), Source.defaultValue(key))));
        }
        raw.forEach((name, values) -> {
            ConfigKey key = ConfigKeys.byName(name).orElseThrow(() -> new ConfigException(origin + ": unknown key '" + name + "'"));
            entries.put(key, ConfigLoader.check(new ConfigValue(key, values, new Source(name + " in " + origin, origin))));
        });
        return new Settings(entries, profile, new Source("profile", origin), List.of()); // recorded settings were warned about when they were made
    }
}
