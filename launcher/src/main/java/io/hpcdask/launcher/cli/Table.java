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
        print(out, Integer.MAX_VALUE);
    }

    /**
     * Prints no line wider than {@code maxWidth}: the columns named in {@code shrinkFirst} give up their width first,
     * in that order (down to their header, at least {@value #MIN_SHRUNK}), then the widest of the others; a cut cell
     * ends in an ellipsis. A table that cannot fit even so has its lines cut.
     */
    void print(PrintWriter out, int maxWidth, String... shrinkFirst) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        fit(width, maxWidth, shrinkFirst);
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                String cell = cut(r[i], width[i]);
                line.append(i == cols - 1 ? cell : pad(cell, width[i] + 2));
            }
            String text = line.toString().stripTrailing();
            b.append(text.length() > maxWidth ? cut(text, maxWidth) : text).append(System.lineSeparator());
        }
        out.print(b);
        out.flush();
    }

    static final int MIN_SHRUNK = 8;

    private void fit(int[] width, int maxWidth, String[] shrinkFirst) {
        int over = total(width) - maxWidth;
        String[] header = rows.get(0);
        List<Integer> order = new ArrayList<>();
        for (String name : shrinkFirst) {
            for (int i = 0; i < header.length; i++) {
                if (header[i].equals(name)) {
                    order.add(i);
                }
            }
        }
        for (int i : order) {
            if (over <= 0) {
                return;
            }
            int floor = Math.min(width[i], Math.max(header[i].length(), MIN_SHRUNK));
            int take = Math.min(over, width[i] - floor);
            width[i] -= take;
            over -= take;
        }
        while (over > 0) {
            int widest = -1;
            for (int i = 0; i < width.length; i++) {
                if (width[i] > Math.max(header[i].length(), MIN_SHRUNK) && (widest < 0 || width[i] > width[widest])) {
                    widest = i;
                }
            }
            if (widest < 0) {
                return; // every column at its floor: the lines are cut
            }
            width[widest]--;
            over--;
        }
    }

    private static int total(int[] width) {
        int t = 0;
        for (int i = 0; i < width.length; i++) {
            t += width[i] + (i == width.length - 1 ? 0 : 2);
        }
        return t;
    }

    /** The text cut to {@code w} characters, its last one an ellipsis when anything was cut. */
    static String cut(String s, int w) {
        return s.length() <= w ? s : w <= 0 ? "" : s.substring(0, w - 1) + ELLIPSIS;
    }

    static final char ELLIPSIS = '\u2026';

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
