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
 * The worker link's framing, identical on both ends: a 4-byte big-endian length, then one {@link Message}. During the
 * handshake ({@link LinkAuth}) the message is JSON in plaintext; after it, each frame's body is the message's compact
 * form ({@link CompactForm}) sealed with ChaCha20-Poly1305 ({@link FrameCipher}). A reader takes either form in
 * either kind of frame ({@link WireCodec#decode}).
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
     * Frames to messages and back, in one step each way. A message written goes out as one buffer, its 4-byte length
     * and its body: JSON until keys are set; then the compact form ({@link CompactForm}), sealed from the writer's
     * array straight into the buffer. A frame read is opened in place (once keys are set) and read from that one
     * array, in whichever form it comes. No intermediate buffers per message beyond the socket's own. Used from the
     * channel's event loop only.
     */
    static final class FrameCodec extends ChannelDuplexHandler {
        /** Frames up to this size are opened in one reused array; bigger ones (bulky output) get their own. */
        private static final int SCRATCH_BYTES = 64 * 1024;
        private FrameCipher opener;
        private FrameCipher sealer;
        private byte[] scratch;
        private final CompactForm.Writer compact = new CompactForm.Writer();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (!(msg instanceof ByteBuf frame)) {
                ctx.fireChannelRead(msg);
                return;
            }
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
                if (opener != null) {
                    opener.open(array, offset, length, array, offset);
                    length -= FrameCipher.TAG_BYTES;
                }
                Message message;
                try {
                    message = WireCodec.decode(array, offset, length);
                } catch (java.io.IOException e) {
                    throw new DecoderException(e);
                }
                ctx.fireChannelRead(message);
            } finally {
                frame.release();
            }
        }

        private byte[] scratch() {
            if (scratch == null) {
                scratch = new byte[SCRATCH_BYTES];
            }
            return scratch;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (!(msg instanceof Message message)) {
                ctx.write(msg, promise);
                return;
            }
            ByteBuf frame = null;
            try {
                if (sealer == null) { // the handshake: JSON, which every version reads
                    frame = ctx.alloc().heapBuffer(256);
                    frame.writeInt(0);
                    try (ByteBufOutputStream out = new ByteBufOutputStream(frame)) {
                        WireCodec.encode(message, out);
                    }
                    frame.setInt(0, frame.writerIndex() - 4);
                } else { // sealed straight from the writer's array into the frame's
                    compact.write(message);
                    int length = compact.size() + FrameCipher.TAG_BYTES;
                    frame = ctx.alloc().heapBuffer(4 + length);
                    frame.writeInt(length);
                    sealer.seal(compact.array(), 0, compact.size(), frame.array(), frame.arrayOffset() + 4);
                    frame.writerIndex(4 + length);
                }
            } catch (Throwable e) {
                if (frame != null) {
                    frame.release();
                }
                promise.tryFailure(new EncoderException(e));
                return;
            }
            ctx.write(frame, promise);
        }
    }
}
