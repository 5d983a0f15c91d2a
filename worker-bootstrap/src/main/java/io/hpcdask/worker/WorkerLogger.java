package io.hpcdask.worker;

import java.io.PrintStream;
import java.time.LocalTime;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One logger of {@link WorkerLogProvider}: formats a line and writes it to stderr when its level is on. */
final class WorkerLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    /** The lowest level logged (slf4j's integers), or negative for none. */
    private final int lowest;

    WorkerLogger(String name, int lowest) {
        this.name = name;
        this.lowest = lowest;
    }

    private boolean on(Level level) {
        return lowest >= 0 && level.toInt() >= lowest;
    }

    @Override
    public boolean isTraceEnabled() {
        return on(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return on(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return on(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return on(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return on(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
        FormattingTuple message = MessageFormatter.arrayFormat(pattern, args);
        Throwable t = thrown != null ? thrown : message.getThrowable();
        LocalTime now = LocalTime.now();
        StringBuilder line = new StringBuilder(64 + (pattern == null ? 0 : pattern.length()));
        pad(line, now.getHour(), 2).append(':');
        pad(line, now.getMinute(), 2).append(':');
        pad(line, now.getSecond(), 2).append('.');
        pad(line, now.getNano() / 1_000_000, 3).append(' ');
        String levelName = level.toString();
        line.append(levelName).append(" ".repeat(Math.max(0, 5 - levelName.length()))).append(" worker ")
                .append(message.getMessage());
        PrintStream err = System.err;
        synchronized (err) {
            err.println(line);
            if (t != null) {
                t.printStackTrace(err);
            }
        }
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits);
    }
}
