package io.hpcdask.server.api;

import java.util.Locale;

/**
 * Which stream a piece of a run's log came from. {@link #NOTE} is what hpc-dask itself writes into a log (the line
 * that opens a later attempt): it belongs to every view. {@link #UNKNOWN} is output stored before hpc-dask kept the
 * streams apart, when only the merged log was written: it too belongs to every view.
 */
public enum LogStream {
    NOTE(0, "hpc-dask"),
    STDOUT(1, "stdout"),
    STDERR(2, "stderr"),
    UNKNOWN(-1, "unknown");

    private final int code;
    private final String label;

    LogStream(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** Its byte in a log's stream index. */
    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    public static LogStream ofCode(int code) {
        for (LogStream s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }

    /** The stream of a worker's output chunk: {@code stderr} or else stdout. */
    public static LogStream ofWorker(String stream) {
        return "stderr".equals(stream) ? STDERR : STDOUT;
    }

    /** A view a client may ask for: {@code stdout} or {@code stderr}; null for both. */
    public static LogStream ofView(String view) {
        if (view == null || view.isEmpty()) {
            return null;
        }
        return switch (view.toLowerCase(Locale.ROOT)) {
            case "stdout" -> STDOUT;
            case "stderr" -> STDERR;
            default -> throw new IllegalArgumentException("stream: '" + view + "' is not a stream; expected stdout or stderr");
        };
    }

    /** Whether a piece of this stream belongs to the view of {@code only} (null: every stream). */
    public boolean shownIn(LogStream only) {
        return only == null || this == only || this == NOTE || this == UNKNOWN;
    }
}
