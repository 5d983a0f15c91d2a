package io.hpcdask.launcher.ssh;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting, so user values never reach a remote shell unquoted. */
public final class ShellQuote {
    private ShellQuote() {
    }

    /** Quotes one word; safe words are left bare so logged commands stay readable. */
    public static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> words) {
        return words.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }
}
