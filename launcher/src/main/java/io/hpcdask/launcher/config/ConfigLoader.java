package io.hpcdask.launcher.config;

import io.hpcdask.protocol.InvalidValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Builds {@link Settings} from the layers, lowest first: built-in defaults; a dask-jobqueue user's
 * {@code jobqueue.yaml} ({@link DaskJobqueueLayer}); the site file
 * ({@code /etc/hpc-dask/config.yaml}, or {@code $HPC_DASK_SITE_CONFIG}); the user file ({@code $HPC_DASK_CONFIG}, or
 * {@code ~/.config/hpc-dask/config.yaml}); the selected profile of the site file, then of the user file (a profile is
 * more specific than a file's top level); {@code HPC_DASK_<KEY>} environment variables; command-line flags.
 * The profile is {@code --profile}, else {@code HPC_DASK_PROFILE}, else the last {@code default-profile:} found.
 */
public final class ConfigLoader {
    private final Map<String, String> env;
    private final Path home;

    public ConfigLoader(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public Path siteFile() {
        String override = env.get("HPC_DASK_SITE_CONFIG");
        return override != null ? Path.of(override) : Path.of("/etc/hpc-dask/config.yaml");
    }

    public Path userFile() {
        String override = env.get("HPC_DASK_CONFIG");
        if (override != null) {
            return Path.of(override);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : home.resolve(".config")).resolve("hpc-dask/config.yaml");
    }

    /** The dask config files the lowest layer reads, lowest first ({@link DaskJobqueueLayer}). */
    public List<Path> daskFiles() {
        return DaskJobqueueLayer.files(env, home);
    }

    /**
     * @param flags values given on the command line (already keyed), highest precedence
     * @param profileFlag the {@code --profile} value, or null
     */
    public Settings load(List<ConfigValue> flags, String profileFlag) {
        List<ConfigFile> files = new ArrayList<>();
        for (Path p : List.of(siteFile(), userFile())) {
            if (Files.isRegularFile(p)) {
                files.add(ConfigFile.read(p));
            } else if (p.equals(userFile()) && env.containsKey("HPC_DASK_CONFIG")) {
                throw new ConfigException("config file " + p + " named by HPC_DASK_CONFIG does not exist");
            }
        }
        // Every value of every file is checked, even one overridden later: a bad file is reported, not hidden.
        files.forEach(f -> {
            f.values().forEach(ConfigLoader::check);
            f.profiles().values().forEach(vs -> vs.forEach(ConfigLoader::check));
        });

        Source profileSource = null;
        String profile = null;
        if (profileFlag != null) {
            profile = profileFlag;
            profileSource = new Source("--profile", "flag --profile");
        } else if (env.get("HPC_DASK_PROFILE") != null) {
            profile = env.get("HPC_DASK_PROFILE");
            profileSource = new Source("HPC_DASK_PROFILE", "environment HPC_DASK_PROFILE");
        } else {
            for (ConfigFile f : files) {
                if (f.defaultProfile() != null) {
                    profile = f.defaultProfile();
                    profileSource = new Source("default-profile", f.path() + " (default-profile)");
                }
            }
        }
        if (profile != null) {
            String wanted = profile;
            if (files.stream().noneMatch(f -> f.profiles().containsKey(wanted))) {
                TreeSet<String> defined = new TreeSet<>();
                files.forEach(f -> defined.addAll(f.profiles().keySet()));
                throw new ConfigException("unknown profile '" + profile + "' (from " + profileSource.origin() + "); "
                        + (defined.isEmpty() ? "no profiles are defined in " + siteFile() + " or " + userFile()
                                : "defined profiles: " + String.join(", ", defined)));
            }
        }

        Map<ConfigKey, Settings.Entry> effective = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            effective.put(key, check(new ConfigValue(key, key.defaults(), Source.defaultValue(key))));
        }
        List<List<ConfigValue>> layers = new ArrayList<>();
        files.forEach(f -> layers.add(f.values()));
        for (ConfigFile f : files) {
            layers.add(profile == null ? List.of() : f.profiles().getOrDefault(profile, List.of()));
        }
        layers.add(envValues());
        layers.add(flags);
        DaskJobqueueLayer dask = DaskJobqueueLayer.load(env, home);
        layers.add(0, dask.values(explicitSystem(layers)));
        for (List<ConfigValue> layer : layers) {
            for (ConfigValue v : layer) {
                effective.put(v.key(), check(v));
            }
        }
        return new Settings(effective, profile, profileSource, dask.warnings());
    }

    /** The batch system the layers name, the highest winning; null when none does. */
    private static String explicitSystem(List<List<ConfigValue>> layers) {
        String system = null;
        for (List<ConfigValue> layer : layers) {
            for (ConfigValue v : layer) {
                if (v.key() == ConfigKeys.SYSTEM) {
                    system = v.raw().isEmpty() ? null : v.raw().get(0);
                }
            }
        }
        return system;
    }

    /** Every profile the config files define, in the order they first appear. */
    public List<String> profileNames() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (Path p : List.of(siteFile(), userFile())) {
            if (Files.isRegularFile(p)) {
                names.addAll(ConfigFile.read(p).profiles().keySet());
            }
        }
        return new ArrayList<>(names);
    }

    private List<ConfigValue> envValues() {
        List<ConfigValue> out = new ArrayList<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            Optional.ofNullable(env.get(key.envVar()))
                    .ifPresent(v -> out.add(new ConfigValue(key, List.of(v), Source.env(key))));
        }
        return out;
    }

    static Settings.Entry check(ConfigValue v) {
        List<Object> parsed = new ArrayList<>();
        for (String raw : v.raw()) {
            try {
                parsed.add(v.key().kind().parse(raw));
            } catch (InvalidValueException e) {
                throw new ConfigException("invalid " + v.source().label() + ": " + e.getMessage());
            }
        }
        return new Settings.Entry(v.key(), v.raw(), parsed, v.source());
    }
}
