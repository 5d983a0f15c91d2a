package io.hpcdask.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Named amounts a worker offers (or a run needs) beyond cores and memory, written as space-separated KEY=VAL pairs,
 * e.g. {@code gpu=1 foo=5}. Keys keep the order they were written in.
 */
public final class Resources {
    public static final String ACCEPTED_FORM =
            "space-separated NAME=COUNT pairs with a whole COUNT >= 0, e.g. 'gpu=1 foo=5'";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern COUNT = Pattern.compile("\\d{1,15}");

    public static final Resources NONE = new Resources(Map.of());

    private final Map<String, Long> amounts;

    private Resources(Map<String, Long> amounts) {
        this.amounts = Collections.unmodifiableMap(amounts);
    }

    public static Resources parse(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return new Resources(out);
        }
        for (String part : text.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new InvalidValueException("'" + part + "' has no '='; expected " + ACCEPTED_FORM);
            }
            String name = part.substring(0, eq);
            String count = part.substring(eq + 1);
            if (!NAME.matcher(name).matches()) {
                throw new InvalidValueException("'" + part + "' has no valid name before '='; expected " + ACCEPTED_FORM);
            }
            if (!COUNT.matcher(count).matches()) {
                throw new InvalidValueException("'" + part + "' has no whole count >= 0 after '='; expected " + ACCEPTED_FORM);
            }
            out.put(name, Long.parseLong(count));
        }
        return new Resources(out);
    }

    public static Resources of(Map<String, Long> amounts) {
        for (Map.Entry<String, Long> e : amounts.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches() || e.getValue() == null || e.getValue() < 0) {
                throw new InvalidValueException("'" + e.getKey() + "=" + e.getValue() + "' is not valid; expected " + ACCEPTED_FORM);
            }
        }
        return new Resources(new LinkedHashMap<>(amounts));
    }

    public Map<String, Long> amounts() {
        return amounts;
    }

    public boolean isEmpty() {
        return amounts.isEmpty();
    }

    public boolean has(String name) {
        return amounts.containsKey(name);
    }

    /** The pairs in the form they are parsed from, e.g. {@code gpu=1 foo=5}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        amounts.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Resources other && other.amounts.equals(amounts);
    }

    @Override
    public int hashCode() {
        return amounts.hashCode();
    }
}
