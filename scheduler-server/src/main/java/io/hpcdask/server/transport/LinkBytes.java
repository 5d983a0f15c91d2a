package io.hpcdask.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the bytes of every worker link as they cross the socket (first in the pipeline, so framing and encryption
 * are included). One instance is shared by all connections; an add per read or write, read by the metrics.
 */
@ChannelHandler.Sharable
final class LinkBytes extends ChannelDuplexHandler {
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        received.add(size(msg));
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        sent.add(size(msg));
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        return msg instanceof ByteBuf b ? b.readableBytes() : msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }

    long received() {
        return received.sum();
    }

    long sent() {
        return sent.sum();
    }
}
