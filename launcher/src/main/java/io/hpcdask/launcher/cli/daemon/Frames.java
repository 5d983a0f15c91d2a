package io.hpcdask.launcher.cli.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The wire between cli-client.pl and the daemon: frames of one type byte, a 4-byte big-endian length and that many
 * bytes (perl's {@code pack "aN"}). The client sends one {@link #REQUEST}; the daemon answers {@link #STALE} or
 * {@link #NOT_SERVED} (the client then runs the plain JVM path), or {@link #STARTED} (from then on the client never
 * runs the command itself), then {@link #OUT} and {@link #ERR} pieces and one {@link #EXIT} with the exit code.
 */
public final class Frames {
    public static final byte REQUEST = 'R';
    public static final byte STALE = 'T';
    public static final byte NOT_SERVED = 'N';
    public static final byte STARTED = 'S';
    public static final byte OUT = 'O';
    public static final byte ERR = 'E';
    public static final byte EXIT = 'X';
    /** The most a request may hold (its argv and environment): more is not a client of ours. */
    static final int MAX_REQUEST = 4 << 20;

    private Frames() {
    }

    /** One frame, written whole. */
    public static void write(WritableByteChannel ch, byte type, byte[] payload, int offset, int length) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(5).put(type).putInt(length).flip();
        ByteBuffer body = ByteBuffer.wrap(payload, offset, length);
        while (head.hasRemaining()) {
            ch.write(head);
        }
        while (body.hasRemaining()) {
            ch.write(body);
        }
    }

    public static void writeExit(WritableByteChannel ch, int code) throws IOException {
        write(ch, EXIT, ByteBuffer.allocate(4).putInt(code).array(), 0, 4);
    }

    /** A frame read: its type and payload. */
    public record Frame(byte type, byte[] payload) {}

    /** The next frame; null at a clean end of stream before its first byte. */
    public static Frame read(ReadableByteChannel ch, int max) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(5);
        if (!fill(ch, head, true)) {
            return null;
        }
        head.flip();
        byte type = head.get();
        int length = head.getInt();
        if (length < 0 || length > max) {
            throw new IOException("a frame of " + length + " bytes (at most " + max + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        fill(ch, body, false);
        return new Frame(type, body.array());
    }

    private static boolean fill(ReadableByteChannel ch, ByteBuffer b, boolean endAllowed) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                if (endAllowed && b.position() == 0) {
                    return false;
                }
                throw new EOFException("the stream ended inside a frame");
            }
        }
        return true;
    }
}
