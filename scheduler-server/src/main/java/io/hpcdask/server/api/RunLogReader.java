package io.hpcdask.server.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a run's log with the stream of every byte. The log ({@code ID.log}) holds stdout and stderr as they arrived,
 * so it reads as it always did; beside it, its stream index ({@code ID.streams}) holds one entry per change of stream:
 * the stream's byte ({@link LogStream#code()}) and the 8-byte big-endian offset in the log where it starts. A run
 * that only ever prints to stdout has one entry. Bytes before the first entry, or in a log without an index (stored
 * before the streams were kept apart), are of {@link LogStream#UNKNOWN} stream. The writer is the server's RunLogs.
 */
public final class RunLogReader {
    public static final int ENTRY_BYTES = 9;
    private static final int BLOCK_ENTRIES = 512;

    private RunLogReader() {
    }

    /** The stream index beside a log file. */
    public static Path indexOf(Path log) {
        String name = log.getFileName().toString();
        String stem = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        return log.resolveSibling(stem + ".streams");
    }

    /** One index entry: {@code stream} starts at {@code offset} of the log. */
    public static byte[] entry(LogStream stream, long offset) {
        return ByteBuffer.allocate(ENTRY_BYTES).put((byte) stream.code()).putLong(offset).array();
    }

    /** The stream of the index's last entry; null when it has none (or there is no index). */
    public static LogStream lastStream(Path index) throws IOException {
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.READ)) {
            long n = ch.size() / ENTRY_BYTES;
            return n == 0 ? null : readEntry(ch, n - 1).stream;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Up to {@code max} bytes of the log from {@code offset} that belong to the view of {@code only} (null: all
     * streams), with their spans; bytes of other streams are skipped, and the chunk's {@code next} is past them.
     */
    public static RunLogChunk read(Path log, long offset, LogStream only, int max) {
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = ch.size();
            long from = Math.min(Math.max(offset, 0), size);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(max, size - from));
            List<RunLogChunk.Span> spans = new ArrayList<>();
            long pos = from;
            try (Cursor c = Cursor.at(indexOf(log), from)) {
                while (pos < size && out.size() < max) {
                    long end = Math.min(c.end, size);
                    if (c.stream.shownIn(only) && end > pos) {
                        int len = (int) Math.min(end - pos, max - out.size());
                        copy(ch, pos, len, out);
                        add(spans, c.stream, len);
                        pos += len;
                    } else {
                        pos = Math.max(pos, end);
                    }
                    if (pos >= c.end) {
                        c.advance();
                    }
                }
            }
            return new RunLogChunk(from, size, out.toByteArray(), spans, pos);
        } catch (NoSuchFileException e) {
            return new RunLogChunk(0, 0, new byte[0], List.of(), 0); // the run has produced no output yet
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    private static void copy(FileChannel ch, long pos, int len, ByteArrayOutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw new IOException("the log shrank while it was read");
            }
        }
        out.write(buf.array(), 0, len);
    }

    private static void add(List<RunLogChunk.Span> spans, LogStream stream, int len) {
        int last = spans.size() - 1;
        if (last >= 0 && spans.get(last).stream().equals(stream.label())) {
            spans.set(last, new RunLogChunk.Span(stream.label(), spans.get(last).length() + len));
        } else {
            spans.add(new RunLogChunk.Span(stream.label(), len));
        }
    }

    private record Entry(LogStream stream, long start) {}

    private static Entry readEntry(FileChannel ch, long k) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_BYTES);
        while (b.hasRemaining() && ch.read(b, k * ENTRY_BYTES + b.position()) > 0) {
            // a whole entry; the index only grows
        }
        b.flip();
        return new Entry(LogStream.ofCode(b.get()), b.getLong());
    }

    /** The segment of the log being read: its stream, where it ends, and the index entries after it. */
    private static final class Cursor implements AutoCloseable {
        private final FileChannel index; // null: no index, the whole log is of unknown stream
        private final long count;
        private LogStream stream;
        private long end;
        private long next;
        private final ByteBuffer block = ByteBuffer.allocate(BLOCK_ENTRIES * ENTRY_BYTES);
        private long blockFirst = -1;
        private int blockCount;

        private Cursor(FileChannel index) throws IOException {
            this.index = index;
            this.count = index == null ? 0 : index.size() / ENTRY_BYTES;
        }

        static Cursor at(Path indexFile, long offset) throws IOException {
            FileChannel ch;
            try {
                ch = FileChannel.open(indexFile, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                ch = null;
            }
            Cursor c = new Cursor(ch);
            c.seek(offset);
            return c;
        }

        /** Finds the last entry that starts at or before {@code offset} (binary search: entries are in order). */
        private void seek(long offset) throws IOException {
            long lo = 0;
            long hi = count - 1;
            long found = -1;
            while (lo <= hi) {
                long mid = (lo + hi) >>> 1;
                if (entry(mid).start <= offset) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (found < 0) {
                stream = LogStream.UNKNOWN;
                end = count > 0 ? entry(0).start : Long.MAX_VALUE;
                next = 0;
            } else {
                enter(found);
            }
        }

        private void enter(long k) throws IOException {
            stream = entry(k).stream;
            end = k + 1 < count ? entry(k + 1).start : Long.MAX_VALUE;
            next = k + 1;
        }

        void advance() throws IOException {
            if (next < count) {
                enter(next);
            } else {
                end = Long.MAX_VALUE;
            }
        }

        private Entry entry(long k) throws IOException {
            if (k < blockFirst || k >= blockFirst + blockCount) {
                block.clear();
                while (block.hasRemaining() && index.read(block, k * ENTRY_BYTES + block.position()) > 0) {
                    // fill the block, or up to the index's end
                }
                block.flip();
                blockFirst = k;
                blockCount = block.remaining() / ENTRY_BYTES;
            }
            int at = (int) (k - blockFirst) * ENTRY_BYTES;
            return new Entry(LogStream.ofCode(block.get(at)), block.getLong(at + 1));
        }

        @Override
        public void close() throws IOException {
            if (index != null) {
                index.close();
            }
        }
    }
}
