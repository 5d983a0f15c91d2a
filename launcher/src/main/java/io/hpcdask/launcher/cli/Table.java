package io.hpcdask.launcher.cli;

import io.hpcdask.protocol.Printable;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A plain-text table with left-aligned columns; the last column is not padded. Every cell has its control
 * characters escaped ({@link Printable}), so a label or a reason holding a newline or an ANSI sequence cannot forge
 * a row or repaint the terminal.
 */
final class Table {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(clean(header));
    }

    void add(String... cells) {
        rows.add(clean(cells));
    }

    private static String[] clean(String[] cells) {
        String[] out = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = cells[i] == null ? "-" : Printable.escape(cells[i]);
        }
        return out;
    }

    void print(PrintWriter out) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                b.append(i == cols - 1 ? r[i] : pad(r[i], width[i] + 2));
            }
            b.append(System.lineSeparator());
        }
        out.print(b.toString().replaceAll(" +(\\R)", "$1"));
        out.flush();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }

    static String time(Long epochMillis) {
        return epochMillis == null ? "-" : TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** {@code KEY=N ...}, leaving out zeros; memory in GiB, since bytes are unreadable at these sizes. */
    static String amounts(Map<String, Long> m) {
        String s = m == null ? "" : m.entrySet().stream().filter(e -> e.getValue() != null && e.getValue() != 0)
                .map(e -> e.getKey() + "=" + ("memory".equals(e.getKey()) ? gib(e.getValue()) : e.getValue().toString()))
                .collect(Collectors.joining(" "));
        return s.isEmpty() ? "-" : s;
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1fG", bytes / (double) (1L << 30));
    }

    static String orDash(Object o) {
        return o == null || o.toString().isEmpty() ? "-" : o.toString();
    }
}
