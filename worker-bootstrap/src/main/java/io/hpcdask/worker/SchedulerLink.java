package io.hpcdask.worker;

import io.hpcdask.protocol.FrameAuthenticationException;
import io.hpcdask.protocol.LinkAuth;
import io.hpcdask.protocol.LinkSender;
import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.MessageFraming;
import io.hpcdask.protocol.Release;
import io.hpcdask.retry.Attempts;
import io.hpcdask.retry.RetryPolicy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker end of the link: connects, says hello, keeps heartbeats, and reconnects with backoff when the link
 * drops. Messages sent while it is down wait in order and go out right after the next Welcome.
 */
final class SchedulerLink {
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** At most this long a worker going down waits for its link's loop to write what was sent and close. */
    private static final long ABANDON_WAIT_MILLIS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLink.class);
    private static final ByteBufAllocator HEAP = new HeapIoAllocator();

    interface Handler {
        void connected(Message.Welcome welcome);

        void received(Message message);

        void refused(String reason);

        /** The scheduler speaks another protocol version: {@code line} says which and what to do. Sent once. */
        void otherVersion(String line);

        void disconnected(String reason);
    }

    private final WorkerSpec spec;
    private final Supplier<Map<String, Integer>> heldRuns;
    private final Handler handler;
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    /** Exponential with jitter, so that many workers that lost the same scheduler do not come back as one burst. */
    private final Attempts reconnects = new Attempts(RetryPolicy.exponential(Duration.ofMillis(100))
            .cappedAt(Duration.ofMillis(5_000)).withEqualJitter(new Random()), System::nanoTime);
    private final PendingMessages pending = new PendingMessages(16L * 1024 * 1024);
    private final Object lock = new Object();
    private final Object writable = new Object();
    private Channel live; // set once welcomed, guarded by lock
    private LinkSender liveSender; // live's, guarded by lock
    private LinkSender heldSender; // the one holdSends held, guarded by lock
    private volatile boolean closing;
    private volatile boolean everConnected;
    private final ConnectFailureLog failures = new ConnectFailureLog();

    /**
     * Results written on the live link lately, with when: a link that turns out dead (the scheduler closed it while
     * this worker was frozen, or crashed) may have swallowed them, so they go out again on the next link. The scheduler
     * counts a result once; a repeat lands in the run's history.
     */
    private final java.util.ArrayDeque<Object[]> recentResults = new java.util.ArrayDeque<>();
    private volatile long resendWindowMillis = 30_000;

    /** When a frame last came from a scheduler that welcomed us (System.currentTimeMillis); the lease runs from it. */
    private volatile long lastHeardMillis;

    SchedulerLink(WorkerSpec spec, Supplier<Map<String, Integer>> heldRuns, Handler handler) {
        this.spec = spec;
        this.heldRuns = heldRuns;
        this.handler = handler;
        this.lastHeardMillis = spec.startMillis();
    }

    /** When the scheduler was last heard from (any frame, heartbeats included, after a Welcome). */
    long lastHeardMillis() {
        return lastHeardMillis;
    }

    void start() {
        connect();
    }

    /** Sends now when the link is up, otherwise queues; never blocks on the network. */
    void send(Message message) {
        synchronized (lock) {
            if (live != null && message instanceof Message.RunFinished) {
                long now = System.currentTimeMillis();
                while (!recentResults.isEmpty() && (long) recentResults.peekFirst()[0] < now - resendWindowMillis) {
                    recentResults.pollFirst();
                }
                recentResults.addLast(new Object[] {now, message, live});
                // a result must not vanish with a link that is closing under us: keep it for the next link
                liveSender.send(message, f -> {
                    if (!f.isSuccess()) {
                        synchronized (lock) {
                            pending.add(message);
                        }
                    }
                });
            } else if (live != null) {
                liveSender.send(message);
            } else {
                pending.add(message);
            }
        }
    }

    /**
     * Until {@link #releaseSends}, what is sent waits, to leave in one burst (one wake-up of the link's loop, one
     * frame): for one thread that hands over several reports it learnt at once. Not nested.
     */
    void holdSends() {
        synchronized (lock) {
            if (liveSender != null && heldSender == null) {
                heldSender = liveSender;
                heldSender.hold();
            }
        }
    }

    /** Sends what waited since {@link #holdSends}. */
    void releaseSends() {
        LinkSender held;
        synchronized (lock) {
            held = heldSender;
            heldSender = null;
        }
        if (held != null) {
            held.release();
        }
    }

    /**
     * Sends a run's output and holds the calling pump while the socket is backed up, so a run that writes faster
     * than the network carries slows down instead of filling the worker's memory.
     */
    void sendOutput(Message.RunOutput output) throws InterruptedException {
        send(output);
        Channel c;
        synchronized (lock) {
            c = live;
        }
        while (c != null && c.isActive() && !c.isWritable()) {
            synchronized (writable) {
                writable.wait(50);
            }
        }
    }

    /** Runs whose results have not reached the scheduler yet. */
    List<String> unreportedRuns() {
        synchronized (lock) {
            return pending.finishedRunIds();
        }
    }

    /**
     * The JVM is ending (SIGTERM, scancel): no link is made or registered after this, and the live one is closed. A
     * frozen worker woken by the SIGCONT that comes just before its job's SIGTERM would otherwise reconnect and
     * register while its JVM shuts down, and be given runs it is about to abandon. It waits (a little) for the close:
     * the close follows every send made before it on the link's loop, and the JVM halts as soon as its shutdown hooks
     * return, so without the wait a result sent just before (a held end) could die unwritten in the loop's queue.
     */
    void abandon() {
        closing = true;
        Channel c = liveChannel();
        if (c != null) {
            c.close().awaitUninterruptibly(ABANDON_WAIT_MILLIS);
        }
    }

    private Channel liveChannel() {
        synchronized (lock) {
            return live;
        }
    }

    void close() {
        closing = true;
        Channel c;
        LinkSender sender;
        synchronized (lock) {
            c = live;
            sender = liveSender;
        }
        if (c != null) {
            // sent after every earlier message and written in order: once this one is out, every earlier result is too
            java.util.concurrent.CountDownLatch out = new java.util.concurrent.CountDownLatch(1);
            sender.send(new Message.Heartbeat(System.currentTimeMillis()), f -> out.countDown());
            try {
                out.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private void connect() {
        if (closing) {
            return;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                // heap buffers for reads (HeapIoAllocator): a TLAB bump, and the frame codec opens them in place
                .option(ChannelOption.ALLOCATOR, HEAP)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(HANDSHAKE_TIMEOUT_MILLIS, 0, 0, TimeUnit.MILLISECONDS));
                        // many small results at once go out as one sealed frame, in one write (MessageFraming)
                        MessageFraming.install(ch.pipeline());
                        ch.pipeline().addLast("link", new LinkHandler());
                    }
                });
        ChannelFuture f = bootstrap.connect(spec.schedulerHost(), spec.schedulerPort());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                connectFailed(done.cause());
                retryLater();
            }
        });
    }

    private void connectFailed(Throwable cause) {
        String line = failures.record(ConnectFailure.describe(cause), System.currentTimeMillis());
        if (line == null || closing) {
            return;
        }
        LOG.error("Cannot reach scheduler at {}: {} ({})", spec.scheduler(), line, cause.getMessage());
        if (!everConnected) {
            LOG.error(ConnectFailure.hint(spec.scheduler()));
        }
    }

    /** Why the last connection attempt failed (e.g. {@code connection refused}), or null since a connection. */
    String lastFailure() {
        return failures.lastCause();
    }

    private void retryLater() {
        if (closing || group.isShuttingDown()) {
            return;
        }
        // the policy sets no limit: the link tries again until the worker closes it
        reconnects.failed().ifPresent(delay -> group.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * The handshake (see {@link Message}): the worker proves it holds the token only to a peer that answered with a
     * fresh nonce, and sends its Hello (encrypted) only after the scheduler proved it holds the token too. Until
     * then nothing the peer sends is acted on: any other message drops the link.
     */
    private final class LinkHandler extends SimpleChannelInboundHandler<Message> {
        private final byte[] workerNonce = LinkAuth.newNonce();
        private byte[] schedulerNonce;
        private LinkAuth.Keys keys;
        private boolean schedulerProved;
        private boolean welcomed;
        private boolean refused;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new Message.AuthStart(Message.VERSION, workerNonce, Release.VERSION));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message message) {
            if (welcomed) {
                lastHeardMillis = System.currentTimeMillis(); // the lease runs from the last frame heard
                if (!(message instanceof Message.Heartbeat)) {
                    handler.received(message);
                }
            } else if (message instanceof Message.Refused r && provenVersionRefusal(r)) {
                stop(ctx);
                handler.otherVersion(Release.mismatch(Release.VERSION, Message.VERSION, r.release(), r.version()));
            } else if (message instanceof Message.Refused r) {
                // a refusal before the scheduler proved itself is unauthenticated; it can only make this worker stop
                // (as a silent impostor would after the death timeout), never run anything
                stop(ctx);
                handler.refused(r.reason());
            } else if (keys == null) {
                challenged(ctx, message);
            } else if (!schedulerProved) {
                schedulerProof(ctx, message);
            } else if (message instanceof Message.Welcome welcome) {
                welcome(ctx, welcome);
            } else {
                LOG.warn("Scheduler sent {} before welcome; reconnecting", message.getClass().getSimpleName());
                ctx.close();
            }
        }

        /**
         * A refusal for another protocol version that the scheduler proved, over this worker's own nonce, protocol
         * and release: only then does the worker believe it and exit for good.
         */
        private boolean provenVersionRefusal(Message.Refused r) {
            return r.proof() != null && r.version() != Message.VERSION && LinkAuth.verifyVersionRefusal(spec.tokenBytes(),
                    r.version(), r.release(), Message.VERSION, Release.VERSION, workerNonce, r.proof());
        }

        /** This link ends, and no other follows it. */
        private void stop(ChannelHandlerContext ctx) {
            refused = true;
            closing = true;
            ctx.close();
        }

        private void challenged(ChannelHandlerContext ctx, Message message) {
            if (!(message instanceof Message.AuthChallenge c)) {
                untrusted(ctx, "sent " + message.getClass().getSimpleName() + " instead of its challenge");
                return;
            }
            if (c.version() != Message.VERSION) {
                // a scheduler of another version refuses (with proof) before it challenges: this one is not ours
                untrusted(ctx, "challenged with protocol version " + c.version() + " (this worker speaks "
                        + Message.VERSION + ")");
                return;
            }
            if (!LinkAuth.validNonce(c.nonce())) {
                untrusted(ctx, "sent a malformed challenge");
                return;
            }
            schedulerNonce = c.nonce();
            byte[] token = spec.tokenBytes();
            keys = LinkAuth.keys(token, schedulerNonce, workerNonce);
            ctx.writeAndFlush(new Message.AuthProof(LinkAuth.proof(token, LinkAuth.Role.WORKER, schedulerNonce, workerNonce)));
            MessageFraming.startEncryption(ctx.pipeline(), keys.workerToScheduler());
        }

        private void schedulerProof(ChannelHandlerContext ctx, Message message) {
            if (!(message instanceof Message.AuthProof p)
                    || !LinkAuth.verify(spec.tokenBytes(), LinkAuth.Role.SCHEDULER, schedulerNonce, workerNonce, p.proof())) {
                untrusted(ctx, "did not prove it holds the cluster token (an impostor, or another cluster's scheduler)");
                return;
            }
            schedulerProved = true;
            if (closing) { // abandoned during the handshake: never say hello
                ctx.close();
                return;
            }
            MessageFraming.startDecryption(ctx.pipeline(), keys.schedulerToWorker());
            Map<String, Integer> held = new java.util.LinkedHashMap<>(heldRuns.get());
            Map<String, Integer> unreported;
            synchronized (lock) {
                unreported = pending.finishedRuns();
            }
            unreported.forEach(held::putIfAbsent);
            ctx.writeAndFlush(spec.hello(held));
        }

        /** The peer is not (yet) a scheduler this worker trusts: drop the link and try again later. */
        private void untrusted(ChannelHandlerContext ctx, String why) {
            String line = failures.record("the scheduler " + why, System.currentTimeMillis());
            if (line != null && !closing) {
                LOG.error("Not trusting {}: {}; nothing it sends is run; retrying", spec.scheduler(), line);
            }
            ctx.close();
        }

        private void welcome(ChannelHandlerContext ctx, Message.Welcome welcome) {
            if (welcome.version() != Message.VERSION) { // the scheduler proved itself: it is the one we dialled
                stop(ctx);
                handler.otherVersion(Release.mismatch(Release.VERSION, Message.VERSION, null, welcome.version()));
                return;
            }
            welcomed = true;
            lastHeardMillis = System.currentTimeMillis();
            reconnects.reset();
            failures.reset();
            long hb = welcome.heartbeatMillis();
            resendWindowMillis = Math.max(10_000, 6 * hb);
            ctx.pipeline().replace("idle", "idle", new IdleStateHandler(3 * hb, hb, 0, TimeUnit.MILLISECONDS));
            synchronized (lock) {
                for (Message m : pending.drain()) {
                    ctx.channel().write(m, ctx.channel().voidPromise());
                }
                ctx.channel().flush();
                live = ctx.channel();
                liveSender = new LinkSender(live);
            }
            if (everConnected) {
                LOG.info("Reconnected to scheduler at {} as {}", spec.scheduler(), welcome.name());
            } else {
                // how long joining took, for start-up benchmarks: from the JVM's start (as the kernel counts it)
                LOG.info("Connected to scheduler at {} as {} ({} ms after the JVM started)", spec.scheduler(),
                        welcome.name(), ProcessAge.millis());
            }
            everConnected = true;
            handler.connected(welcome);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (!(event instanceof IdleStateEvent idle)) {
                super.userEventTriggered(ctx, event);
            } else if (idle.state() == IdleState.READER_IDLE) {
                LOG.warn("Scheduler at {} silent for {}; dropping the link", spec.scheduler(),
                        welcomed ? "3 heartbeat periods" : "the handshake timeout");
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new Message.Heartbeat(System.currentTimeMillis()), ctx.voidPromise());
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            synchronized (writable) {
                writable.notifyAll();
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (writable) {
                writable.notifyAll();
            }
            synchronized (lock) {
                if (live == ctx.channel()) {
                    live = null;
                    liveSender = null;
                }
                long since = System.currentTimeMillis() - resendWindowMillis;
                for (Object[] sent : recentResults) {
                    if (sent[2] == ctx.channel() && (long) sent[0] >= since) {
                        pending.add((Message) sent[1]); // it may never have arrived: again on the next link
                    }
                }
                recentResults.removeIf(sent -> sent[2] == ctx.channel());
            }
            if (welcomed) {
                LOG.warn("Lost the scheduler at {}; reconnecting", spec.scheduler());
                handler.disconnected("connection closed");
            }
            if (!refused) {
                retryLater();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof java.nio.channels.ClosedChannelException) {
                return; // a send that raced with the close; the loss itself is handled in channelInactive
            }
            if (cause instanceof FrameAuthenticationException) {
                // a frame altered or forged on the way: the link is no longer trustworthy
                LOG.warn("Link to scheduler at {} failed: {}; reconnecting", spec.scheduler(), cause.getMessage());
            } else {
                LOG.warn("Link to scheduler at {} failed: {}", spec.scheduler(), cause.toString());
            }
            ctx.close();
        }
    }
}
