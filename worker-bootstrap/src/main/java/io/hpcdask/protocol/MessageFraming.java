package io.hpcdask.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/** The worker link's framing, identical on both ends: a 4-byte big-endian length, then one JSON {@link Message}. */
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
        pipeline.addLast("message-decoder", new Decoder());
        pipeline.addLast("message-encoder", new Encoder());
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
