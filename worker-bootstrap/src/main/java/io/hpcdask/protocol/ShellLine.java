package io.hpcdask.protocol;

import java.util.List;

/**
 * The command line of a {@code --shell} run. Its words are joined by spaces, unquoted, as {@code sh -c} users expect
 * ({@code --shell -- echo '$HOME'} means the line {@code echo $HOME}); the CLI sends that one line and the worker runs
 * it through {@code bash -c}, so both build it here.
 */
public final class ShellLine {
    private ShellLine() {}

    public static String of(List<String> words) {
        return String.join(" ", words);
    }
}
