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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One YAML config file, read strictly: an unknown key, a value of the wrong shape or a duplicate key is an error
 * that names the file, the line and the key. Values are kept raw with their line; {@link ConfigLoader} checks them.
 */
public record ConfigFile(Path path, List<ConfigValue> values, Map<String, List<ConfigValue>> profiles,
                         String defaultProfile) {

    private static final YAMLFactory YAML = new YAMLFactory();

    public static ConfigFile read(Path path) {
        try (JsonParser p = YAML.createParser(Files.newBufferedReader(path))) {
            return new Reader(path, p).readFile();
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ConfigException("config file " + path + (loc == null ? "" : " line " + loc.getLineNr())
                    + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + " (expected 'key: value' lines, see README's config reference)");
        } catch (IOException e) {
            throw new ConfigException("config file " + path + ": cannot be read: " + e.getMessage());
        }
    }

    private static final class Reader {
        private final Path path;
        private final JsonParser p;

        Reader(Path path, JsonParser p) {
            this.path = path;
            this.p = p;
        }

        ConfigFile readFile() throws IOException {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new ConfigFile(path, List.of(), Map.of(), null);
            }
            if (first != JsonToken.START_OBJECT) {
                throw error(line(), "expected 'key: value' lines at the top level");
            }
            List<ConfigValue> values = new ArrayList<>();
            Map<String, List<ConfigValue>> profiles = new LinkedHashMap<>();
            String defaultProfile = null;
            Map<String, Integer> seen = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = line();
                noDuplicate(seen, key, line);
                JsonToken t = p.nextToken();
                if (key.equals(ConfigKeys.PROFILES)) {
                    readProfiles(t, profiles);
                } else if (key.equals(ConfigKeys.DEFAULT_PROFILE)) {
                    if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
                        throw error(line, "key 'default-profile' must be a profile name, e.g. default-profile: gpu");
                    }
                    defaultProfile = p.getText();
                } else if (key.equals(ConfigKeys.ADAPT) && t == JsonToken.START_OBJECT) {
                    values.addAll(readAdapt(null));
                } else {
                    values.add(readValue(key, line, t, null));
                }
            }
            return new ConfigFile(path, values, profiles, defaultProfile);
        }

        private void readProfiles(JsonToken t, Map<String, List<ConfigValue>> profiles) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                throw error(line(), "key 'profiles' must map profile names to settings, e.g. profiles: {gpu: {queue: gpu}}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String profile = p.currentName();
                int profileLine = line();
                if (profiles.containsKey(profile)) {
                    throw error(profileLine, "duplicate profile '" + profile + "'; keep one");
                }
                if (!profile.matches("[A-Za-z0-9_.-]+")) {
                    throw error(profileLine, "profile name '" + profile + "' must be letters, digits, '_', '.' or '-'");
                }
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw error(profileLine, "profile '" + profile + "' must map keys to values, e.g. " + profile + ": {queue: gpu}");
                }
                List<ConfigValue> values = new ArrayList<>();
                Map<String, Integer> seen = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int line = line();
                    noDuplicate(seen, key, line);
                    JsonToken value = p.nextToken();
                    if (key.equals(ConfigKeys.ADAPT) && value == JsonToken.START_OBJECT) {
                        values.addAll(readAdapt(profile));
                    } else {
                        values.add(readValue(key, line, value, profile));
                    }
                }
                profiles.put(profile, values);
            }
        }

        private ConfigValue readValue(String name, int line, JsonToken t, String profile) throws IOException {
            ConfigKey key = ConfigKeys.byName(name).orElseThrow(() -> error(line, "unknown key '" + name + "'"
                    + ConfigKeys.closest(name).map(c -> " (did you mean '" + c + "'?)").orElse("")
                    + "; 'hpc-dask config show' lists every key"));
            Source source = Source.file(name, path.toString(), line, profile);
            if (t == JsonToken.VALUE_NULL) {
                return new ConfigValue(key, List.of(), source); // explicitly unset at this layer
            }
            if (t.isScalarValue()) {
                return new ConfigValue(key, List.of(p.getText()), source);
            }
            if (t == JsonToken.START_ARRAY && key.repeatable()) {
                List<String> items = new ArrayList<>();
                for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                    if (!item.isScalarValue() || item == JsonToken.VALUE_NULL) {
                        throw error(line(), "key '" + name + "' must be a list of strings, e.g. " + name + ": [\"...\"]");
                    }
                    items.add(p.getText());
                }
                return new ConfigValue(key, items, source);
            }
            throw error(line, "key '" + name + "' must be " + (key.repeatable()
                    ? "a value or a list of values, e.g. " + name + ": [\"...\"]"
                    : "a single value (" + key.kind().acceptedForm() + "), not a list or mapping"));
        }

        /** {@code adapt: {min: 0, max: 4, idle-timeout: 5m, max-pending: 2}}, read as the adapt-* settings. */
        private List<ConfigValue> readAdapt(String profile) throws IOException {
            List<ConfigValue> values = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int line = line();
                noDuplicate(seen, field, line);
                ConfigKey key = ConfigKeys.ADAPT_FIELDS.get(field);
                if (key == null) {
                    throw error(line, "unknown key '" + field + "' in adapt; expected min, max, idle-timeout or max-pending");
                }
                values.add(readValue(key.name(), line, p.nextToken(), profile));
            }
            return values;
        }

        private void noDuplicate(Map<String, Integer> seen, String key, int line) {
            Integer first = seen.putIfAbsent(key, line);
            if (first != null) {
                throw error(line, "duplicate key '" + key + "' (first at line " + first + "); keep one");
            }
        }

        private int line() {
            return p.currentTokenLocation().getLineNr();
        }

        private ConfigException error(int line, String what) {
            return new ConfigException("config file " + path + " line " + line + ": " + what);
        }
    }
}
