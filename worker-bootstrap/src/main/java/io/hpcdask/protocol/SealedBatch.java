package io.hpcdask.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The messages written on a link since its last flush, sealed together as one frame (protocol 4): one seal, one tag
 * and one socket write for all of them. The plaintext of a sealed frame is either one message (in either form, as
 * protocol 3 sent it) or {@link #BATCH} followed by each message as a 4-byte big-endian length and its bytes. A lone
 * message goes out without the batch's header. Not thread-safe: one per channel, used on its event loop.
 */
final class SealedBatch {
    /** The first byte of a batch (the compact form's is {@link CompactForm#FORM}, JSON's is '{' or white space). */
    static final byte BATCH = 2;
    /**
     * A batch's plaintext at most, unless one message alone is larger: bulky output stays in frames of its own, so a
     * burst of it keeps its back-pressure and no frame nears {@link MessageFraming#MAX_FRAME_BYTES}.
     */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    private static final int HEADER = 1;

    private byte[] buf = new byte[1024];
    private int size = HEADER;
    private int count;
    private int lastLength;
    private final List<ChannelPromise> promises = new ArrayList<>(4);

    SealedBatch() {
        buf[0] = BATCH;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Whether a sender waits on the outcome of a message in the batch (its promise is not void). */
    boolean awaited() {
        return !promises.isEmpty();
    }

    /** Whether {@code length} more bytes would take a non-empty batch past {@link #MAX_BATCH_BYTES}. */
    boolean wouldOverflow(int length) {
        return count > 0 && size + 4 + length > MAX_BATCH_BYTES;
    }

    /** Adds one message's bytes; {@code promise} (unless null or void) is completed with the frame's write. */
    void add(byte[] message, int length, ChannelPromise promise) {
        ensure(4 + length);
        buf[size] = (byte) (length >>> 24);
        buf[size + 1] = (byte) (length >>> 16);
        buf[size + 2] = (byte) (length >>> 8);
        buf[size + 3] = (byte) length;
        System.arraycopy(message, 0, buf, size + 4, length);
        size += 4 + length;
        lastLength = length;
        count++;
        if (promise != null && !promise.isVoid()) {
            promises.add(promise);
        }
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    /** The plaintext a frame sealed now would carry (a copy); empties the batch. */
    byte[] plaintext() {
        byte[] plain = Arrays.copyOfRange(buf, plainOffset(), plainOffset() + plainLength());
        size = HEADER;
        count = 0;
        return plain;
    }

    private int plainOffset() {
        return count == 1 ? HEADER + 4 : 0; // a lone message needs no batch header
    }

    private int plainLength() {
        return count == 1 ? lastLength : size;
    }

    /** The batch as one sealed frame, its 4-byte length first; empties the batch. */
    ByteBuf seal(FrameCipher sealer, ByteBufAllocator alloc) {
        int offset = plainOffset();
        int plain = plainLength();
        int length = plain + FrameCipher.TAG_BYTES;
        ByteBuf frame = alloc.heapBuffer(4 + length);
        try {
            frame.writeInt(length);
            sealer.seal(buf, offset, plain, frame.array(), frame.arrayOffset() + 4);
            frame.writerIndex(4 + length);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        } finally {
            size = HEADER;
            count = 0;
            if (buf.length > 4 * MAX_BATCH_BYTES) { // one bulky message must not pin its array for the link's life
                buf = Arrays.copyOf(buf, 1024);
            }
        }
        return frame;
    }

    /** Completes the promises of the messages just sealed with the outcome of their frame's write. */
    void completeWith(ChannelFuture write) {
        if (promises.isEmpty()) {
            return;
        }
        ChannelPromise[] waiting = promises.toArray(new ChannelPromise[0]);
        promises.clear();
        write.addListener(f -> {
            for (ChannelPromise p : waiting) {
                if (f.isSuccess()) {
                    p.trySuccess();
                } else {
                    p.tryFailure(f.cause());
                }
            }
        });
    }

    /** Drops what is not yet sealed (the link is closing) and fails its promises, as Netty fails unflushed writes. */
    void fail(Throwable cause) {
        size = HEADER;
        count = 0;
        for (ChannelPromise p : promises) {
            p.tryFailure(cause);
        }
        promises.clear();
    }

    /** Told each message of an opened frame, in order: its bytes are {@code array[offset, offset+length)}. */
    interface Reader {
        void message(byte[] array, int offset, int length) throws IOException;
    }

    /**
     * Hands {@code reader} each message of an opened frame's plaintext, {@code array[offset, offset+length)}: one
     * message, or a batch of them. A batch whose lengths do not add up is malformed.
     */
    static void split(byte[] array, int offset, int length, Reader reader) throws IOException {
        if (length == 0 || array[offset] != BATCH) {
            reader.message(array, offset, length);
            return;
        }
        int pos = offset + HEADER;
        int end = offset + length;
        if (pos == end) {
            throw new IOException("empty batch");
        }
        while (pos < end) {
            if (end - pos < 4) {
                throw new IOException("batch ends inside a length");
            }
            int n = (array[pos] & 0xff) << 24 | (array[pos + 1] & 0xff) << 16 | (array[pos + 2] & 0xff) << 8
                    | array[pos + 3] & 0xff;
            pos += 4;
            if (n <= 0 || n > end - pos) {
                throw new IOException("batch holds a message of " + n + " bytes where " + (end - pos) + " are left");
            }
            reader.message(array, pos, n);
            pos += n;
        }
    }
}
