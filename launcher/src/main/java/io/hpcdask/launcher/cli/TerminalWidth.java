package io.hpcdask.launcher.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * How wide the terminal is, for tables that must not wrap: {@code COLUMNS} when set, else the terminal's own width
 * when standard output is one ({@code stty size} on {@code /dev/tty}: the JVM cannot ask the terminal itself), else
 * none (output to a pipe or a file is not cut).
 */
final class TerminalWidth {
    private TerminalWidth() {
    }

    static OptionalInt of(CliContext context) {
        String columns = context.env().get("COLUMNS");
        if (columns != null && columns.strip().matches("\\d{1,5}") && Integer.parseInt(columns.strip()) > 0) {
            return OptionalInt.of(Integer.parseInt(columns.strip()));
        }
        return context.terminal().columns();
    }

    static OptionalInt fromTty() {
        File tty = new File("/dev/tty");
        if (!tty.canRead()) {
            return OptionalInt.empty();
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return OptionalInt.empty();
            }
            String[] rowsCols = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\\s+");
            return rowsCols.length == 2 && rowsCols[1].matches("\\d{1,5}") && Integer.parseInt(rowsCols[1]) > 0
                    ? OptionalInt.of(Integer.parseInt(rowsCols[1])) : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty(); // no stty: the table is printed whole
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }
}
