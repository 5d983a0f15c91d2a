package io.hpcdask.server.transport;

import io.hpcdask.protocol.Message;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.channels.ClosedChannelException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One channel's state: handshake first, then heartbeats and messages for the listener. */
final class ServerLinkHandler extends SimpleChannelInboundHandler<Message> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerTransport.class);

    private final WorkerTransport transport;
    private ServerWorkerConnection connection;

    ServerLinkHandler(WorkerTransport transport) {
        this.transport = transport;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Message message) {
        if (connection == null) {
            handshake(ctx, message);
        } else if (message instanceof Message.Heartbeat) {
            // receiving it already reset the idle timer
        } else if (message instanceof Message.Hello) {
            connection.close("protocol error: a second hello");
        } else {
            transport.listener().messageReceived(connection, message);
        }
    }

    private void handshake(ChannelHandlerContext ctx, Message message) {
        String from = String.valueOf(ctx.channel().remoteAddress());
        if (!(message instanceof Message.Hello hello)) {
            refuse(ctx, "expected a hello first, got " + message.getClass().getSimpleName(), from, null);
            return;
        }
        if (hello.version() != Message.VERSION) {
            refuse(ctx, "protocol version " + hello.version() + " is not supported; this scheduler speaks version "
                    + Message.VERSION, from, hello.name());
            return;
        }
        if (!tokenMatches(hello.token())) {
            refuse(ctx, "wrong or missing cluster token", from, hello.name());
            return;
        }
        if (hello.name() == null || hello.name().isBlank()) {
            refuse(ctx, "a worker must have a name", from, null);
            return;
        }
        long hb = transport.heartbeatMillis();
        ctx.pipeline().replace("idle", "idle", new IdleStateHandler(3 * hb, hb, 0, TimeUnit.MILLISECONDS));
        connection = new ServerWorkerConnection(ctx.channel(), hello.name(), transport);
        transport.register(connection);
        ctx.writeAndFlush(new Message.Welcome(Message.VERSION, hb, hello.name()));
        transport.listener().workerConnected(connection, hello);
    }

    private boolean tokenMatches(String offered) {
        byte[] given = offered == null ? new byte[0] : offered.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, transport.token());
    }

    private void refuse(ChannelHandlerContext ctx, String reason, String from, String name) {
        LOG.warn("Refused worker {} from {}: {}", name == null ? "(unnamed)" : name, from, reason);
        ctx.writeAndFlush(new Message.Refused(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (!(event instanceof IdleStateEvent idle)) {
            super.userEventTriggered(ctx, event);
            return;
        }
        if (connection == null) {
            LOG.warn("Closing link from {}: no hello within {} ms", ctx.channel().remoteAddress(),
                    transport.handshakeTimeoutMillis());
            ctx.close();
        } else if (idle.state() == IdleState.READER_IDLE) {
            LOG.warn("Lost worker {}: silent for 3 heartbeat periods ({} ms)", connection.workerName(),
                    3 * transport.heartbeatMillis());
            connection.close("silent for 3 heartbeat periods");
        } else if (idle.state() == IdleState.WRITER_IDLE) {
            ctx.writeAndFlush(new Message.Heartbeat(System.currentTimeMillis()), ctx.voidPromise());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            connection.lost("connection closed");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ClosedChannelException) {
            return; // a send that raced with the close; the loss is reported once, by channelInactive
        }
        String who = connection == null ? String.valueOf(ctx.channel().remoteAddress()) : connection.toString();
        // a parser's message may quote the frame, and a hello frame holds the token: name the failure only
        String what = cause instanceof DecoderException
                ? "malformed frame (" + (cause.getCause() == null ? cause : cause.getCause()).getClass().getSimpleName() + ")"
                : cause.toString();
        LOG.warn("Closing link to {}: {}", who, what);
        if (connection != null) {
            connection.close("link error: " + what);
        } else {
            ctx.close();
        }
    }
}
