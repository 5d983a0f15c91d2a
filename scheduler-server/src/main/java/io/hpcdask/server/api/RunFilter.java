package io.hpcdask.server.api;

import java.util.List;

/**
 * Which runs a page shows: those in one of {@code states} (empty: any) whose label matches {@code label} (a glob:
 * {@code *} and {@code ?}, case-sensitive; a label without them matches exactly; null: any), the latest
 * {@code limit} of them (0: all).
 */
public record RunFilter(List<String> states, String label, int limit) {
    public RunFilter {
        states = states == null ? List.of() : List.copyOf(states);
    }

    /** The latest {@code limit} runs in {@code state} (null: any). */
    public static RunFilter of(String state, int limit) {
        return new RunFilter(state == null ? List.of() : List.of(state), null, limit);
    }

    /** Whether a run's label matches, for services that filter in memory; the store does it in SQL (GLOB). */
    public boolean labelMatches(String runLabel) {
        return label == null || runLabel != null && runLabel.matches(globRegex(label));
    }

    private static String globRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            b.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return b.toString();
    }
}
