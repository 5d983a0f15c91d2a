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
import java.util.List;

/** The worker link's framing, identical on both ends: a 4-byte big-endian length, then one JSON {@link Message}. */
public final class MessageFraming {
    /** Output chunks are far smaller; anything bigger is a broken or hostile peer. */
    public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    private MessageFraming() {
    }

    /** Adds the frame and JSON codecs at the end of {@code pipeline}; the caller's handler goes after them. */
    public static void install(ChannelPipeline pipeline) {
        pipeline.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4));
        pipeline.addLast("frame-encoder", new LengthFieldPrepender(4));
        pipeline.addLast("message-decoder", new Decoder());
        pipeline.addLast("message-encoder", new Encoder());
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
