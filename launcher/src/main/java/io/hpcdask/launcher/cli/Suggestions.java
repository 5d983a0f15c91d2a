package io.hpcdask.launcher.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What {@code Did you mean} offers after an unknown subcommand or option. Picocli's own suggestions are kept, but only
 * those close to what was typed (its list for a subcommand always holds three names, however unlike); an option
 * within two typos of a real one is added ({@code --worker} for {@code --workers}); and an option naming what a
 * positional parameter is ({@code scale --workers 2}, where N is "the number of workers") suggests the parameter.
 */
final class Suggestions {
    private Suggestions() {
    }

    /** The line to print after the error, or null when nothing is close. */
    static String line(UnmatchedArgumentException ex, String[] args) {
        List<String> unmatched = ex.getUnmatched();
        if (unmatched == null || unmatched.isEmpty()) {
            return null;
        }
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        String typed = unmatched.get(0);
        List<String> close = close(typed, ex.getSuggestions(), spec);
        if (!close.isEmpty()) {
            String prefix = typed.startsWith("-") ? "" : spec.qualifiedName() + " ";
            List<String> shown = close.stream().map(s -> prefix + s).toList();
            return "Did you mean: " + String.join(" or ", shown) + "?";
        }
        if (typed.startsWith("-")) {
            String positional = positionalFor(typed, args, spec);
            if (positional != null) {
                return "Did you mean: " + positional + "?";
            }
        }
        return null;
    }

    /** Picocli's suggestions and this command's names, those close to {@code typed}, closest first. */
    static List<String> close(String typed, List<String> picocli, CommandSpec spec) {
        String word = typed.contains("=") && typed.startsWith("-") ? typed.substring(0, typed.indexOf('=')) : typed;
        Set<String> candidates = new LinkedHashSet<>(picocli);
        if (word.startsWith("-")) {
            for (OptionSpec o : spec.options()) {
                if (!o.hidden()) {
                    candidates.addAll(List.of(o.names()));
                }
            }
        } else {
            candidates.addAll(spec.subcommands().keySet());
        }
        List<String> out = new ArrayList<>();
        for (String c : candidates) {
            if (!c.equals(word) && isClose(strip(word), strip(c))) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingInt(c -> distance(strip(word), strip(c))));
        return out.subList(0, Math.min(3, out.size()));
    }

    /** A name the typed word starts or is the start of, or within a typo or two; one letter is like any other. */
    private static boolean isClose(String typed, String name) {
        if (typed.length() < 2) {
            return false;
        }
        if (name.startsWith(typed) || typed.startsWith(name) && name.length() >= 3) {
            return true;
        }
        return typed.length() >= 3 && distance(typed, name) <= Math.max(1, Math.min(2, name.length() / 3));
    }

    /**
     * {@code scale --workers 2}: the command takes N, "the number of workers wanted", without an option. Returns the
     * command line with the value in the parameter's place, or null when no parameter is described by that word.
     */
    private static String positionalFor(String typed, String[] args, CommandSpec spec) {
        String name = strip(typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed).toLowerCase(Locale.ROOT);
        String stem = name.endsWith("s") ? name.substring(0, name.length() - 1) : name;
        if (stem.length() < 3) {
            return null;
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            String about = (p.paramLabel() + " " + String.join(" ", p.description())).toLowerCase(Locale.ROOT);
            if (about.contains(stem)) {
                String value = typed.contains("=") ? typed.substring(typed.indexOf('=') + 1) : valueAfter(typed, args);
                return spec.qualifiedName() + " " + (value == null ? p.paramLabel() : value);
            }
        }
        return null;
    }

    private static String valueAfter(String typed, String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(typed) && !args[i + 1].startsWith("-")) {
                return args[i + 1];
            }
        }
        return null;
    }

    private static String strip(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '-') {
            i++;
        }
        return name.substring(i);
    }

    /** Edits between two words: insertions, deletions, substitutions and swaps of neighbours ({@code tga}: {@code tag}). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
