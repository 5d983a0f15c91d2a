package io.hpcdask.server.transport;

import io.hpcdask.protocol.FrameAuthenticationException;
import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.LinkAuth;
import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.MessageFraming;
import io.hpcdask.protocol.Printable;
import io.hpcdask.protocol.Release;
import io.hpcdask.server.ids.WorkerId;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One channel's state: handshake first, then heartbeats and messages for the listener. */
final class ServerLinkHandler extends SimpleChannelInboundHandler<Message> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerTransport.class);

    private final WorkerTransport transport;
    private final String source;
    private ServerWorkerConnection connection;
    /** Whether this link still holds a place among the unauthenticated connections. */
    private boolean holdsPlace = true;
    /** Set once a Refused is on its way; frames already read behind the refused one are ignored. */
    private boolean refused;
    private ScheduledFuture<?> deadline;
    /** Messages of the read in progress, handed on when it ends; null when none. */
    private java.util.List<Message> received;
    private byte[] workerNonce;
    private byte[] schedulerNonce;
    private LinkAuth.Keys keys;

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
            if (received == null) {
                received = new java.util.ArrayList<>(4);
            }
            received.add(message);
        }
    }

    /** The messages of a read go on to the listener together, once the read has ended. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        handOn();
        super.channelReadComplete(ctx);
    }

    private void handOn() {
        if (received != null && connection != null) {
            java.util.List<Message> messages = received;
            received = null;
            transport.listener().messagesReceived(connection, messages);
        }
    }

    /**
     * The handshake (see {@link Message}): the worker's nonce, this side's nonce, the worker's proof (a wrong one is
     * refused in plaintext), this side's proof; from then on every frame is encrypted both ways, and the worker's
     * Hello, the first encrypted frame, registers it.
     */
    private void handshake(ChannelHandlerContext ctx, Message message) {
        String from = String.valueOf(ctx.channel().remoteAddress());
        if (workerNonce == null) {
            start(ctx, message, from);
        } else if (keys == null) {
            proof(ctx, message, from);
        } else {
            hello(ctx, message, from);
        }
    }

    private void start(ChannelHandlerContext ctx, Message message, String from) {
        if (message instanceof Message.Hello old && old.version() != Message.VERSION) { // an older worker (token in clear)
            refuse(ctx, unsupported(old.version()), from, null);
            return;
        }
        if (!(message instanceof Message.AuthStart start)) {
            refuse(ctx, "expected auth-start first, got " + message.getClass().getSimpleName(), from, null);
            return;
        }
        if (start.version() != Message.VERSION) { // before anything else: the rest may mean something else to it
            refuseVersion(ctx, start, from);
            return;
        }
        if (!LinkAuth.validNonce(start.nonce())) {
            refuse(ctx, "malformed auth-start (a nonce is " + LinkAuth.NONCE_BYTES + " bytes)", from, null);
            return;
        }
        workerNonce = start.nonce();
        schedulerNonce = LinkAuth.newNonce();
        ctx.writeAndFlush(new Message.AuthChallenge(Message.VERSION, schedulerNonce, Release.VERSION));
    }

    /**
     * Refuses a worker of another protocol version with the line users act on, and a proof that this scheduler holds
     * the token (bound to the worker's nonce and both versions), so the worker may believe it and exit instead of
     * trying again. Logged once per version claimed.
     */
    private void refuseVersion(ChannelHandlerContext ctx, Message.AuthStart start, String from) {
        String reason = Release.mismatch(start.release(), start.version(), Release.VERSION, Message.VERSION);
        byte[] proof = LinkAuth.validNonce(start.nonce()) ? LinkAuth.versionRefusalProof(transport.token(),
                Message.VERSION, Release.VERSION, start.version(), start.release(), start.nonce()) : null;
        transport.refusedVersion(source, Release.describe(start.release(), start.version()),
                "Refused worker from " + from + ": " + reason);
        closeWith(ctx, new Message.Refused(reason, Message.VERSION, Release.VERSION, proof));
    }

    private void proof(ChannelHandlerContext ctx, Message message, String from) {
        if (!(message instanceof Message.AuthProof p)) {
            refuse(ctx, "expected auth-proof, got " + message.getClass().getSimpleName(), from, null);
            return;
        }
        byte[] token = transport.token();
        if (!LinkAuth.verify(token, LinkAuth.Role.WORKER, schedulerNonce, workerNonce, p.proof())) {
            refuse(ctx, "wrong or missing cluster token", from, null);
            return;
        }
        keys = LinkAuth.keys(token, schedulerNonce, workerNonce);
        // the next frame from the worker is its encrypted Hello; this proof is the last plaintext frame sent
        MessageFraming.startDecryption(ctx.pipeline(), keys.workerToScheduler());
        ctx.writeAndFlush(new Message.AuthProof(LinkAuth.proof(token, LinkAuth.Role.SCHEDULER, schedulerNonce, workerNonce)));
        MessageFraming.startEncryption(ctx.pipeline(), keys.schedulerToWorker());
    }

    private static String unsupported(int version) {
        return "protocol version " + version + " is not supported; this scheduler speaks version " + Message.VERSION;
    }

    private void hello(ChannelHandlerContext ctx, Message message, String from) {
        if (!(message instanceof Message.Hello hello)) {
            refuse(ctx, "expected a hello after authenticating, got " + message.getClass().getSimpleName(), from, null);
            return;
        }
        if (hello.version() != Message.VERSION) {
            refuse(ctx, unsupported(hello.version()), from, hello.name());
            return;
        }
        WorkerId name;
        try {
            name = WorkerId.parse(hello.name());
        } catch (InvalidValueException e) {
            refuse(ctx, e.getMessage(), from, hello.name() == null || hello.name().isBlank() ? null : hello.name());
            return;
        }
        long hb = transport.heartbeatMillis();
        deadline.cancel(false);
        releasePlace();
        MessageFraming.allowFullFrames(ctx.pipeline());
        ctx.pipeline().addFirst("idle", new IdleStateHandler(3 * hb, hb, 0, TimeUnit.MILLISECONDS));
        connection = new ServerWorkerConnection(ctx.channel(), name, transport);
        transport.register(connection);
        ctx.writeAndFlush(new Message.Welcome(Message.VERSION, hb, hello.name()));
        transport.listener().workerConnected(connection, hello);
    }

    private void refuse(ChannelHandlerContext ctx, String reason, String from, String name) {
        // the name is the peer's choice: one line, escaped and cut short, and at most one a minute per source
        transport.refused(source, "Refused worker " + (name == null ? "(unnamed)" : Printable.escape(name, Printable.LOG_MAX_CHARS))
                + " from " + from + ": " + reason);
        closeWith(ctx, new Message.Refused(reason));
    }

    private void closeWith(ChannelHandlerContext ctx, Message.Refused refusal) {
        refused = true;
        deadline.cancel(false);
        ctx.channel().config().setAutoRead(false); // nothing more from a refused peer
        ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
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
        handOn(); // what was read before the close comes before the loss
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
        // a parser's message may quote the frame: name the failure only
        String what = cause instanceof FrameAuthenticationException
                ? cause.getMessage() // our own message: the frame was altered, replayed or forged
                : cause instanceof TooLongFrameException
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
