package io.hpcdask.server.api;

/** Bytes of a run's log from {@code offset}; {@code size} is the file's length when it was read. */
public record RunLogChunk(long offset, long size, byte[] data) {
    public long nextOffset() {
        return offset + data.length;
    }
}
