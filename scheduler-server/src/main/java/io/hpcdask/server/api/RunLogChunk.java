package io.hpcdask.server.api;

import java.util.List;

/**
 * Bytes of a run's log from {@code offset}; {@code size} is the file's length when it was read. {@code spans} tell
 * which stream each piece of {@code data} came from, in order (their lengths add up to the data's). A read of one
 * stream skips the others' bytes: {@code next} is where the following read starts, past what was skipped. A server
 * that predates streams sends neither (null and 0): its data is the merged log.
 */
public record RunLogChunk(long offset, long size, byte[] data, List<Span> spans, long next) {
    /** {@code length} bytes of {@code stream} (a {@link LogStream} label). */
    public record Span(String stream, int length) {}

    public RunLogChunk(long offset, long size, byte[] data) {
        this(offset, size, data, data.length == 0 ? List.of() : List.of(new Span(LogStream.UNKNOWN.label(), data.length)),
                offset + data.length);
    }

    public long nextOffset() {
        return Math.max(next, offset + data.length);
    }

    /** The spans, or one span of unknown stream over all the data when the server sent none. */
    public List<Span> spansOrWhole() {
        if (spans != null) {
            return spans;
        }
        return data.length == 0 ? List.of() : List.of(new Span(LogStream.UNKNOWN.label(), data.length));
    }
}
