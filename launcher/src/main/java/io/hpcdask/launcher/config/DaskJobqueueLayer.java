package io.hpcdask.launcher.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The lowest config layer: a dask-jobqueue user's {@code jobqueue.yaml}, so their settings work on day one. Files are
 * found as dask finds them ({@code dask/config.py}, {@code _get_paths}), later ones winning: every {@code *.yaml} and
 * {@code *.yml} file, by name, in {@code $DASK_ROOT_CONFIG} (default {@code /etc/dask}), then {@code ~/.config/dask},
 * then {@code $DASK_CONFIG} (a directory or a file). Python's own {@code sys.prefix/etc/dask} is not searched: it
 * belongs to one Python installation, and hpc-dask has none. Of each file only {@code jobqueue.slurm} and
 * {@code jobqueue.pbs} are read: the section of the batch system in use ({@code system} from a higher layer; else the
 * one section present; else slurm, with a warning). Each dask-jobqueue key maps to one hpc-dask key
 * ({@link #MAPPED}); a key it cannot honour is named in a warning and left out, never silently dropped.
 */
public final class DaskJobqueueLayer {
    private static final YAMLFactory YAML = new YAMLFactory();
    static final List<String> SECTIONS = List.of("slurm", "pbs");

    /** dask-jobqueue's key (and its old names) to hpc-dask's. */
    static final Map<String, ConfigKey> MAPPED = new LinkedHashMap<>();

    static {
        MAPPED.put("name", ConfigKeys.JOB_NAME);
        MAPPED.put("cores", ConfigKeys.CORES);
        MAPPED.put("memory", ConfigKeys.MEMORY);
        MAPPED.put("queue", ConfigKeys.QUEUE);
        MAPPED.put("account", ConfigKeys.ACCOUNT);
        MAPPED.put("project", ConfigKeys.ACCOUNT); // dask-jobqueue's old name of account
        MAPPED.put("walltime", ConfigKeys.WALLTIME);
        MAPPED.put("job-extra-directives", ConfigKeys.JOB_EXTRA_DIRECTIVE);
        MAPPED.put("job-extra", ConfigKeys.JOB_EXTRA_DIRECTIVE); // old name
        MAPPED.put("job-directives-skip", ConfigKeys.DIRECTIVE_SKIP);
        MAPPED.put("job-script-prologue", ConfigKeys.PROLOGUE);
        MAPPED.put("env-extra", ConfigKeys.PROLOGUE); // old name
        MAPPED.put("local-directory", ConfigKeys.LOCAL_DIRECTORY);
        MAPPED.put("log-directory", ConfigKeys.LOG_DIRECTORY);
        MAPPED.put("interface", ConfigKeys.INTERFACE);
        MAPPED.put("death-timeout", ConfigKeys.DEATH_TIMEOUT);
        MAPPED.put("shebang", ConfigKeys.SHEBANG);
    }

    /** Keys read only to say why they are ignored. */
    static final Map<String, String> IGNORED = Map.of(
            "worker-extra-args", "hpc-dask's worker is not dask-worker and takes none of its arguments",
            "extra", "hpc-dask's worker is not dask-worker and takes none of its arguments",
            "python", "hpc-dask's workers run on Java, not Python",
            "resource-spec", "hpc-dask writes '-l select=1:ncpus=..:mem=..' from cores and memory; to replace it, put"
                    + " its text in job-directives-skip and the whole directive in job-extra-directives",
            "job-cpu", "hpc-dask asks for 'cores' cores",
            "job-mem", "hpc-dask asks for 'memory'");

    /** One value of one file, with the line it is on. */
    record Found(String daskKey, List<String> raw, Path file, int line) {}

    private final List<Path> files;
    /** Per section, the values of every file, later files after earlier ones. */
    private final Map<String, List<Found>> sections = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private DaskJobqueueLayer(List<Path> files) {
        this.files = files;
        SECTIONS.forEach(s -> sections.put(s, new ArrayList<>()));
        for (Path f : files) {
            read(f);
        }
    }

    /** Reads the files dask would read for this environment and home. */
    public static DaskJobqueueLayer load(Map<String, String> env, Path home) {
        return new DaskJobqueueLayer(files(env, home));
    }

    /** The files read, lowest first. */
    public List<Path> files() {
        return files;
    }

    static List<Path> files(Map<String, String> env, Path home) {
        List<Path> places = new ArrayList<>();
        String root = env.get("DASK_ROOT_CONFIG");
        places.add(Path.of(root != null ? root : "/etc/dask"));
        places.add(home.resolve(".config").resolve("dask"));
        if (env.get("DASK_CONFIG") != null) {
            places.add(Path.of(env.get("DASK_CONFIG")));
        }
        List<Path> out = new ArrayList<>();
        for (Path place : places.stream().distinct().toList()) {
            if (Files.isDirectory(place)) {
                try (Stream<Path> s = Files.list(place)) {
                    s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml") && Files.isRegularFile(p))
                            .sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new ConfigException("dask config directory " + place + ": cannot be listed: " + e.getMessage());
                }
            } else if (Files.isRegularFile(place)) {
                out.add(place);
            }
        }
        return out;
    }

    /**
     * The values for batch system {@code system} (null: not set by any other layer), and the warnings they raise.
     */
    public List<ConfigValue> values(String system) {
        warnings.clear();
        String section = section(system);
        if (section == null) {
            return List.of();
        }
        Map<ConfigKey, ConfigValue> out = new LinkedHashMap<>();
        for (Found f : sections.get(section)) {
            String where = f.file() + ":" + f.line();
            String daskName = "jobqueue." + section + "." + f.daskKey();
            if (f.daskKey().equals("processes")) {
                if (!f.raw().get(0).equals("1")) {
                    warnings.add(where + ": " + daskName + ": " + f.raw().get(0) + " is ignored: hpc-dask runs 1 worker"
                            + " per job, which takes as many runs at once as its cores allow");
                }
                continue;
            }
            ConfigKey key = MAPPED.get(f.daskKey());
            if (key == null) {
                String why = IGNORED.get(f.daskKey());
                warnings.add(where + ": " + daskName + " is ignored: " + (why != null ? why
                        : "hpc-dask has no setting for it"));
                continue;
            }
            List<String> raw = f.raw();
            out.put(key, new ConfigValue(key, key.repeatable() ? raw : List.of(raw.get(raw.size() - 1)),
                    new Source(daskName + " at " + where, where + " (" + daskName + ")")));
        }
        return new ArrayList<>(out.values());
    }

    /** What this layer could not honour, one line each naming the file and line. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private String section(String system) {
        if (system != null) {
            return SECTIONS.contains(system) ? system : null;
        }
        List<String> present = SECTIONS.stream().filter(s -> !sections.get(s).isEmpty()).toList();
        if (present.size() > 1) {
            warnings.add("jobqueue.slurm and jobqueue.pbs are both set and 'system' is not: reading jobqueue."
                    + present.get(0) + " (set 'system' to choose)");
        }
        return present.isEmpty() ? null : present.get(0);
    }

    private void read(Path file) {
        try (JsonParser p = YAML.createParser(Files.newBufferedReader(file))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return; // not dask's nested-mapping form: nothing of jobqueue's here
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String top = p.currentName();
                JsonToken t = p.nextToken();
                if (top.equals("jobqueue") && t == JsonToken.START_OBJECT) {
                    readJobqueue(p, file);
                } else {
                    p.skipChildren(); // other libraries' settings (distributed, ...)
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ConfigException("dask config file " + file + (loc == null ? "" : " line " + loc.getLineNr())
                    + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new ConfigException("dask config file " + file + ": cannot be read: " + e.getMessage());
        }
    }

    private void readJobqueue(JsonParser p, Path file) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String section = p.currentName();
            JsonToken t = p.nextToken();
            if (!sections.containsKey(section) || t != JsonToken.START_OBJECT) {
                p.skipChildren(); // another batch system's section: not ours to read
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = dashed(p.currentName());
                int line = p.currentTokenLocation().getLineNr();
                List<String> raw = readRaw(p, p.nextToken(), file, line, section, key);
                if (raw.isEmpty()) {
                    continue; // null or [] (dask-jobqueue's own defaults): nothing set
                }
                sections.get(section).add(new Found(key, raw, file, line));
            }
        }
    }

    /** dask treats {@code job_extra} and {@code job-extra} alike. */
    private static String dashed(String key) {
        return key.replace('_', '-');
    }

    /** A scalar, a list of scalars, or (as dask-jobqueue's older examples write {@code {-C geyser}}) a mapping's keys. */
    private static List<String> readRaw(JsonParser p, JsonToken t, Path file, int line, String section, String key)
            throws IOException {
        List<String> out = new ArrayList<>();
        if (t == JsonToken.VALUE_NULL) {
            return out;
        }
        if (t.isScalarValue()) {
            out.add(p.getText());
            return out;
        }
        JsonToken end = t == JsonToken.START_ARRAY ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
        for (JsonToken item = p.nextToken(); item != end; item = p.nextToken()) {
            if (item == JsonToken.FIELD_NAME) {
                out.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            } else if (item.isScalarValue() && item != JsonToken.VALUE_NULL) {
                out.add(p.getText());
            } else {
                throw new ConfigException("dask config file " + file + " line " + line + ": jobqueue." + section + "."
                        + key + " must be a value or a list of values");
            }
        }
        return out;
    }
}
