package io.hpcdask.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * The worker link's framing, identical on both ends: a 4-byte big-endian length, then one JSON {@link Message}; after
 * the handshake ({@link LinkAuth}) each frame's body is that JSON sealed with AES-256-GCM ({@link FrameCipher}).
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

    /** Adds the frame and JSON codecs at the end of {@code pipeline}; the caller's handler goes after them. */
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
        pipeline.addLast("frame-encoder", new LengthFieldPrepender(4));
        pipeline.addLast("frame-cipher", new CipherHandler());
        pipeline.addLast("message-decoder", new Decoder());
        pipeline.addLast("message-encoder", new Encoder());
    }

    /**
     * Every frame read from now on must be sealed with {@code key} ({@link FrameCipher}); one that fails its tag raises
     * {@link FrameAuthenticationException}. Call on the channel's event loop, while handling the last plaintext frame.
     */
    public static void startDecryption(ChannelPipeline pipeline, byte[] key) {
        ((CipherHandler) pipeline.get("frame-cipher")).opener = new FrameCipher(key);
    }

    /**
     * Every frame written from now on is sealed with {@code key}. Call on the channel's event loop, right after writing
     * the last plaintext frame.
     */
    public static void startEncryption(ChannelPipeline pipeline, byte[] key) {
        ((CipherHandler) pipeline.get("frame-cipher")).sealer = new FrameCipher(key);
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
     * Between the length framing and the JSON codec: passes frames through until keys are set, then seals every frame
     * written and opens every frame read. Used from the channel's event loop only.
     */
    static final class CipherHandler extends ChannelDuplexHandler {
        private FrameCipher opener;
        private FrameCipher sealer;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (opener == null || !(msg instanceof ByteBuf frame)) {
                ctx.fireChannelRead(msg);
                return;
            }
            byte[] sealed;
            try {
                sealed = ByteBufUtil.getBytes(frame);
            } finally {
                frame.release();
            }
            ctx.fireChannelRead(Unpooled.wrappedBuffer(opener.open(sealed)));
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (sealer == null || !(msg instanceof ByteBuf plain)) {
                ctx.write(msg, promise);
                return;
            }
            byte[] bytes;
            try {
                bytes = ByteBufUtil.getBytes(plain);
            } finally {
                plain.release();
            }
            ctx.write(Unpooled.wrappedBuffer(sealer.seal(bytes)), promise);
        }
    }

    @ChannelHandler.Sharable
    static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
            try (ByteBufInputStream in = new ByteBufInputStream(frame)) {
                out.add(WireCodec.decode(in));
            }
        }
    }

    static final class Encoder extends MessageToByteEncoder<Message> {
        Encoder() {
            super(Message.class);
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Message message, ByteBuf out) throws Exception {
            try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
                WireCodec.encode(message, stream);
            }
        }
    }
}
