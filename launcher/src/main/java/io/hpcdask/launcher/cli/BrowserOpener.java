package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.shell.ShellWords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens a URL in the user's browser: {@code $BROWSER} when set (a colon-separated list of commands, each split into
 * words like a shell would, {@code %s} standing for the URL, else the URL appended: Python's {@code webbrowser}
 * convention), else {@code xdg-open} when a display exists. Started as an argument vector, never through a shell, and
 * not waited for: the browser outlives this command.
 */
final class BrowserOpener {
    private final Map<String, String> env;

    BrowserOpener(Map<String, String> env) {
        this.env = env;
    }

    /** The command line that would open {@code url}, or empty when this machine has no browser to open. */
    Optional<List<String>> command(String url) {
        String browser = env.get("BROWSER");
        if (browser != null && !browser.isBlank()) {
            for (String entry : browser.split(":")) {
                List<String> words;
                try {
                    words = entry.isBlank() ? List.of() : ShellWords.split(entry.trim());
                } catch (IllegalArgumentException e) {
                    continue; // an open quote: not a command this can run
                }
                if (!words.isEmpty() && onPath(words.get(0)).isPresent()) {
                    return Optional.of(withUrl(words, url));
                }
            }
            return Optional.empty();
        }
        boolean display = notBlank("DISPLAY") || notBlank("WAYLAND_DISPLAY");
        return display ? onPath("xdg-open").map(x -> List.of(x.toString(), url)) : Optional.empty();
    }

    /** Starts the browser; returns what was run, or empty when there is none (the caller says to open the link by hand). */
    Optional<String> open(String url) throws IOException {
        Optional<List<String>> command = command(url);
        if (command.isEmpty()) {
            return Optional.empty();
        }
        ProcessBuilder pb = new ProcessBuilder(command.get()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        pb.start();
        return Optional.of(command.get().get(0));
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    private static List<String> withUrl(List<String> words, String url) {
        List<String> out = new ArrayList<>();
        boolean placed = false;
        for (String w : words) {
            if (w.contains("%s")) {
                out.add(w.replace("%s", url));
                placed = true;
            } else {
                out.add(w);
            }
        }
        if (!placed) {
            out.add(url);
        }
        return out;
    }

    private boolean notBlank(String key) {
        String v = env.get(key);
        return v != null && !v.isBlank();
    }

    /** An executable: a path as given, or a name looked up in {@code $PATH}. */
    private Optional<Path> onPath(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
