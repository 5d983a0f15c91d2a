package io.hpcdask.launcher.ssh;

import io.hpcdask.launcher.shell.ShellQuote;
import java.util.List;

/** Builds the {@code bash -lc} line both shells run, with optional directories put first on the PATH. */
final class LoginShell {
    private LoginShell() {
    }

    /** The script given to {@code bash -lc}: PATH additions come after the profile, which may reset PATH. */
    static String script(String command, List<String> pathPrefix) {
        if (pathPrefix.isEmpty()) {
            return command;
        }
        return "export PATH=" + ShellQuote.quote(String.join(":", pathPrefix)) + ":\"$PATH\"; " + command;
    }

    /** The full remote command line for an SSH exec request. */
    static String remoteLine(String command, List<String> pathPrefix) {
        return "bash -lc " + ShellQuote.quote(script(command, pathPrefix));
    }
}
