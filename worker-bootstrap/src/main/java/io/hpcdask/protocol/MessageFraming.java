package io.hpcdask.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

/**
 * The worker link's framing, identical on both ends: a 4-byte big-endian length, then a body. During the handshake
 * ({@link LinkAuth}) the body is one message, JSON in plaintext; after it, each body is sealed with ChaCha20-Poly1305
 * ({@link FrameCipher}) and holds every message written in one turn of the sender's event loop, each in its compact
 * form ({@link CompactForm}), as a {@link SealedBatch} (protocol 4; a lone message goes without the batch's header, as
 * protocol 3 sent every one). A reader takes either form in either kind of frame ({@link WireCodec#decode}).
 */
public final class MessageFraming {
    /** Output chunks are far smaller; anything bigger is a broken or hostile peer. */
    public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /**
     * The largest frame a peer that has not yet been authenticated may send (a Hello is a few hundred bytes): an
     * unauthenticated peer cannot make the receiver buffer more than this per connection.
     */
    public static final int MAX_UNAUTHENTICATED_FRAME_BYTES = 64 * 1024;

    private MessageFraming() {
    }

    /** Adds the frame decoder and the message codec at the end of {@code pipeline}; the caller's handler goes after them. */
    public static void install(ChannelPipeline pipeline) {
        install(pipeline, MAX_FRAME_BYTES);
    }

    /**
     * Like {@link #install(ChannelPipeline)}, but frames longer than {@code maxFrameBytes} close the link until
     * {@link #allowFullFrames} raises the limit (after the peer has authenticated). The length prefix is checked as
     * soon as it arrives, before any of the frame is buffered.
     */
    public static void install(ChannelPipeline pipeline, int maxFrameBytes) {
        pipeline.addLast("frame-decoder", new BoundedFrameDecoder(maxFrameBytes));
        pipeline.addLast("message-codec", new FrameCodec());
    }

    /**
     * Every frame read from now on must be sealed with {@code key} ({@link FrameCipher}); one that fails its tag raises
     * {@link FrameAuthenticationException}. Call on the channel's event loop, while handling the last plaintext frame.
     */
    public static void startDecryption(ChannelPipeline pipeline, byte[] key) {
        ((FrameCodec) pipeline.get("message-codec")).opener = new FrameCipher(key);
    }

    /**
     * Every frame written from now on is sealed with {@code key}. Call on the channel's event loop, right after writing
     * the last plaintext frame.
     */
    public static void startEncryption(ChannelPipeline pipeline, byte[] key) {
        ((FrameCodec) pipeline.get("message-codec")).sealer = new FrameCipher(key);
    }

    /**
     * The plaintext of a sealed frame holding {@code messages} in their compact form, for a peer that speaks the link by
     * hand over a plain socket (tests, benchmarks); {@link FrameCipher#seal} it before writing.
     */
    public static byte[] batchOf(Message... messages) {
        SealedBatch batch = new SealedBatch();
        CompactForm.Writer compact = new CompactForm.Writer();
        for (Message m : messages) {
            compact.write(m);
            batch.add(compact.array(), compact.size(), null);
        }
        return batch.plaintext();
    }

    /** The messages of an opened sealed frame, in order: the counterpart of {@link #batchOf}. */
    public static java.util.List<Message> messagesOf(byte[] plain) throws java.io.IOException {
        java.util.List<Message> out = new java.util.ArrayList<>();
        SealedBatch.split(plain, 0, plain.length, (a, o, n) -> out.add(WireCodec.decode(a, o, n)));
        return out;
    }

    /** Raises the frame limit of a pipeline set up by {@link #install(ChannelPipeline, int)} to {@link #MAX_FRAME_BYTES}. */
    public static void allowFullFrames(ChannelPipeline pipeline) {
        ChannelHandler h = pipeline.get("frame-decoder");
        if (h instanceof BoundedFrameDecoder bounded) {
            bounded.limit = MAX_FRAME_BYTES;
        }
    }

    /** The current frame limit of {@code pipeline}'s decoder, or -1 when it has none. */
    public static int frameLimit(ChannelPipeline pipeline) {
        ChannelHandler h = pipeline.get("frame-decoder");
        return h instanceof BoundedFrameDecoder bounded ? bounded.limit : -1;
    }

    /**
     * A length-prefixed frame decoder whose limit can be raised in place (replacing a decoder mid-stream would hand
     * its buffered bytes to the wrong handler). Used from the channel's event loop only.
     */
    static final class BoundedFrameDecoder extends LengthFieldBasedFrameDecoder {
        private int limit;

        BoundedFrameDecoder(int limit) {
            super(MAX_FRAME_BYTES, 0, 4, 0, 4);
            if (limit <= 0 || limit > MAX_FRAME_BYTES) {
                throw new IllegalArgumentException("frame limit must be in 1.." + MAX_FRAME_BYTES + ", got " + limit);
            }
            this.limit = limit;
        }

        @Override
        protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, java.nio.ByteOrder order) {
            long frameLength = super.getUnadjustedFrameLength(buf, offset, length, order);
            if (frameLength > limit) {
                throw new TooLongFrameException("frame of " + frameLength + " bytes exceeds the limit of " + limit
                        + " bytes" + (limit < MAX_FRAME_BYTES ? " before authentication" : ""));
            }
            return frameLength;
        }
    }

    /**
     * Frames to messages and back. Until keys are set a message written goes out at once as one plaintext JSON frame.
     * Then every message written waits, in its compact form ({@link CompactForm}), in a {@link SealedBatch} until the
     * flush that ends the event loop's turn: all of them go out as one sealed frame, one seal and one socket write. A
     * flush asked for while a read is in progress waits for the read's end (the answers to a read's messages go out
     * together); one asked for outside a read runs as a task queued behind the tasks already queued (the writes other
     * threads handed to the loop in one burst go out together), never on a timer. A frame read is opened in place
     * (once keys are set) and each of its messages decoded from that one array, in whichever form it comes. Used from
     * the channel's event loop only.
     */
    static final class FrameCodec extends ChannelDuplexHandler {
        /** Frames up to this size are opened in one reused array; bigger ones (bulky output) get their own. */
        private static final int SCRATCH_BYTES = 64 * 1024;
        private FrameCipher opener;
        private FrameCipher sealer;
        private byte[] scratch;
        private final CompactForm.Writer compact = new CompactForm.Writer();
        private final SealedBatch batch = new SealedBatch();
        private boolean readInProgress;
        private boolean flushAfterRead;
        private boolean flushQueued;
        private ChannelHandlerContext context;
        private final Runnable queuedFlush = () -> {
            flushQueued = false;
            if (context != null) {
                flushNow(context);
            }
        };

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (!(msg instanceof ByteBuf frame)) {
                ctx.fireChannelRead(msg);
                return;
            }
            readInProgress = true;
            byte[] array;
            int offset;
            int length = frame.readableBytes();
            try {
                if (frame.hasArray()) { // opened in place: the frame is ours until released
                    array = frame.array();
                    offset = frame.arrayOffset() + frame.readerIndex();
                } else {
                    array = length <= SCRATCH_BYTES ? scratch() : new byte[length];
                    offset = 0;
                    frame.getBytes(frame.readerIndex(), array, 0, length);
                }
                if (opener == null) {
                    ctx.fireChannelRead(decode(array, offset, length));
                } else {
                    opener.open(array, offset, length, array, offset);
                    try {
                        SealedBatch.split(array, offset, length - FrameCipher.TAG_BYTES,
                                (a, o, n) -> ctx.fireChannelRead(decode(a, o, n)));
                    } catch (java.io.IOException e) {
                        throw new DecoderException(e);
                    }
                }
            } finally {
                frame.release();
            }
        }

        private static Message decode(byte[] array, int offset, int length) {
            try {
                return WireCodec.decode(array, offset, length);
            } catch (java.io.IOException e) {
                throw new DecoderException(e);
            }
        }

        private byte[] scratch() {
            if (scratch == null) {
                scratch = new byte[SCRATCH_BYTES];
            }
            return scratch;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readInProgress = false;
            if (flushAfterRead) {
                flushAfterRead = false;
                flushNow(ctx);
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (!(msg instanceof Message message)) {
                sealBatch(ctx); // in the order written
                ctx.write(msg, promise);
                return;
            }
            if (sealer == null) { // the handshake: JSON, which every version reads, at once
                writeJson(ctx, message, promise);
                return;
            }
            try {
                compact.write(message);
                if (batch.wouldOverflow(compact.size())) {
                    sealBatch(ctx); // a frame stays small however much waits for a flush
                }
                batch.add(compact.array(), compact.size(), promise);
            } catch (Throwable e) {
                promise.tryFailure(new EncoderException(e));
            }
        }

        private static void writeJson(ChannelHandlerContext ctx, Message message, ChannelPromise promise) {
            ByteBuf frame = ctx.alloc().heapBuffer(256);
            try {
                frame.writeInt(0);
                try (ByteBufOutputStream out = new ByteBufOutputStream(frame)) {
                    WireCodec.encode(message, out);
                }
                frame.setInt(0, frame.writerIndex() - 4);
            } catch (Throwable e) {
                frame.release();
                promise.tryFailure(new EncoderException(e));
                return;
            }
            ctx.write(frame, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (readInProgress) {
                flushAfterRead = true;
            } else if (!flushQueued) {
                flushQueued = true;
                try {
                    ctx.executor().execute(queuedFlush);
                } catch (java.util.concurrent.RejectedExecutionException e) { // the loop is shutting down
                    flushQueued = false;
                    flushNow(ctx);
                }
            }
        }

        private void flushNow(ChannelHandlerContext ctx) {
            sealBatch(ctx);
            ctx.flush();
        }

        /** Writes what waits in the batch as one sealed frame, without flushing. */
        private void sealBatch(ChannelHandlerContext ctx) {
            if (batch.isEmpty()) {
                return;
            }
            boolean awaited = batch.awaited();
            ByteBuf frame;
            try {
                frame = batch.seal(sealer, ctx.alloc());
            } catch (RuntimeException e) {
                batch.fail(new EncoderException(e));
                throw e;
            }
            if (awaited) {
                batch.completeWith(ctx.write(frame));
            } else {
                ctx.write(frame, ctx.voidPromise());
            }
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            // what was written before the close goes out first, as it did when every write was flushed at once (a
            // Stop or a Refused, then the close); on a dead socket the write fails and its sender keeps what must
            // go out again
            flushNow(ctx);
            ctx.close(promise);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            batch.fail(new java.nio.channels.ClosedChannelException());
            context = null;
        }
    }
}
