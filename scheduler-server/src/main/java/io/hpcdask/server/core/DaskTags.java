package io.hpcdask.server.core;

import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.Memory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Requirements from run tags in the form users of Guild's Dask scheduler write: a tag starting with {@code dask:} holds
 * space-separated {@code KEY=VAL} pairs. Several tags merge; a later one wins on a repeated key. A malformed piece is
 * dropped with a warning and the run is still staged. {@code memory} also takes a unit ({@code memory=4G}); every other
 * value is a whole count. A count of 0 asks for nothing and is left out.
 */
public final class DaskTags {
    public static final String PREFIX = "dask:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern COUNT = Pattern.compile("\\d{1,15}");

    /** The merged requirements, sorted by name, and one warning per dropped piece. */
    public record Parsed(Map<String, Long> requires, List<String> warnings) {}

    private DaskTags() {}

    public static Parsed parse(List<String> tags) {
        Map<String, Long> merged = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        if (tags != null) {
            for (String tag : tags) {
                if (tag != null && tag.startsWith(PREFIX)) {
                    parseTag(tag.substring(PREFIX.length()), merged, warnings);
                }
            }
        }
        merged.values().removeIf(v -> v == 0);
        return new Parsed(Collections.unmodifiableMap(merged), List.copyOf(warnings));
    }

    private static void parseTag(String body, Map<String, Long> into, List<String> warnings) {
        for (String part : body.trim().split("\\s+")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                warnings.add(invalid(part, "parts must be in format KEY=VAL"));
                continue;
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (!NAME.matcher(key).matches()) {
                warnings.add(invalid(part, "KEY must be a name such as gpu or foo"));
                continue;
            }
            Long amount = amount(key, value);
            if (amount == null) {
                warnings.add(invalid(part, "VAL must be a whole number >= 0"
                        + (key.equals("memory") ? " or a memory amount such as 4G" : "")));
                continue;
            }
            into.put(key, amount);
        }
    }

    private static Long amount(String key, String value) {
        if (COUNT.matcher(value).matches()) {
            return Long.parseLong(value);
        }
        if (key.equals("memory")) {
            try {
                return Memory.parse(value).bytes();
            } catch (InvalidValueException e) {
                return null;
            }
        }
        return null;
    }

    private static String invalid(String part, String why) {
        return "Ignoring invalid dask resources spec '" + part + "': " + why;
    }

    /** Requirements as log lines and {@code hpc-dask runs} show them: {@code bar=1 baz=1 foo=1}, sorted by name. */
    public static String format(Map<String, Long> requires) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(requires).forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }
}
