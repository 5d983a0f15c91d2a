package io.hpcdask.launcher.shell;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Quoting of user values for a POSIX shell: what goes through here is one word, whatever it contains. */
public final class ShellQuote {
    /** {@code $VAR} or {@code ${VAR}}: the only expansion {@link #quoteExpandingVariables} keeps. */
    public static final Pattern VAR_REFERENCE = Pattern.compile("\\$(?:[A-Za-z_][A-Za-z0-9_]*|\\{[A-Za-z_][A-Za-z0-9_]*\\})");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuote() {
    }

    /** The value as one literal word: unchanged when it holds only safe characters, else in single quotes. */
    public static String quote(String value) {
        if (!value.isEmpty() && SAFE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** A command line of literal words, e.g. for a remote shell. */
    public static String join(List<String> words) {
        return words.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }

    /**
     * The value as one word in double quotes, in which {@code $VAR} and {@code ${VAR}} expand on the node and every
     * other character, including any other {@code $} and backquote, is literal: never command substitution.
     */
    public static String quoteExpandingVariables(String value) {
        StringBuilder out = new StringBuilder("\"");
        var m = VAR_REFERENCE.matcher(value);
        int at = 0;
        while (m.find()) {
            escapeInto(out, value.substring(at, m.start()));
            out.append(m.group());
            at = m.end();
        }
        escapeInto(out, value.substring(at));
        return out.append('"').toString();
    }

    private static void escapeInto(StringBuilder out, String literal) {
        for (char c : literal.toCharArray()) {
            if (c == '"' || c == '\\' || c == '$' || c == '`') {
                out.append('\\');
            }
            out.append(c);
        }
    }
}
