package io.hpcdask.server.transport;

import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.MessageFraming;
import io.hpcdask.protocol.Printable;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.channels.ClosedChannelException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One channel's state: handshake first, then heartbeats and messages for the listener. */
final class ServerLinkHandler extends SimpleChannelInboundHandler<Message> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerTransport.class);

    static final int MAX_NAME_CHARS = 255;

    private final WorkerTransport transport;
    private final String source;
    private ServerWorkerConnection connection;
    /** Whether this link still holds a place among the unauthenticated connections. */
    private boolean holdsPlace = true;
    /** Set once a Refused is on its way; frames already read behind the refused one are ignored. */
    private boolean refused;
    private ScheduledFuture<?> deadline;

    ServerLinkHandler(WorkerTransport transport, String source) {
        this.transport = transport;
        this.source = source;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // absolute, from accept: bytes trickling in do not extend it (an idle timer would be reset by each)
        deadline = ctx.executor().schedule(() -> {
            if (connection == null && ctx.channel().isOpen()) {
                transport.refused(source, "Closing link from " + ctx.channel().remoteAddress() + ": not welcomed within "
                        + transport.handshakeTimeoutMillis() + " ms of connecting");
                ctx.close();
            }
        }, transport.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    private void releasePlace() {
        if (holdsPlace) {
            holdsPlace = false;
            transport.releaseUnauthenticated(source);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Message message) {
        if (refused) {
            return;
        } else if (connection == null) {
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
        if (hello.name().length() > MAX_NAME_CHARS || !Printable.isClean(hello.name())) {
            // names end up in logs and tables: even a peer holding the token cannot forge lines with one
            refuse(ctx, "a worker name must be at most " + MAX_NAME_CHARS + " characters, none of them control characters",
                    from, hello.name());
            return;
        }
        long hb = transport.heartbeatMillis();
        deadline.cancel(false);
        releasePlace();
        MessageFraming.allowFullFrames(ctx.pipeline());
        ctx.pipeline().addFirst("idle", new IdleStateHandler(3 * hb, hb, 0, TimeUnit.MILLISECONDS));
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
        // the name is the peer's choice: one line, escaped and cut short, and at most one a minute per source
        transport.refused(source, "Refused worker " + (name == null ? "(unnamed)" : Printable.escape(name, Printable.LOG_MAX_CHARS))
                + " from " + from + ": " + reason);
        refused = true;
        deadline.cancel(false);
        ctx.channel().config().setAutoRead(false); // nothing more from a refused peer
        ctx.writeAndFlush(new Message.Refused(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (!(event instanceof IdleStateEvent idle)) {
            super.userEventTriggered(ctx, event);
            return;
        }
        if (connection == null) {
            return; // only the heartbeat timers raise these, and they start with the connection
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
        releasePlace();
        if (deadline != null) {
            deadline.cancel(false);
        }
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
        String what = cause instanceof TooLongFrameException
                ? "frame too long (" + cause.getMessage() + ")" // our own message: sizes only
                : cause instanceof DecoderException
                ? "malformed frame (" + (cause.getCause() == null ? cause : cause.getCause()).getClass().getSimpleName() + ")"
                : cause.toString();
        if (connection == null) {
            transport.refused(source, "Closing link from " + who + ": " + what);
        } else {
            LOG.warn("Closing link to {}: {}", who, what);
        }
        if (connection != null) {
            connection.close("link error: " + what);
        } else {
            ctx.close();
        }
    }
}
