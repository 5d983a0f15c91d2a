package io.hpcdask.server.transport;

import io.hpcdask.protocol.MessageFraming;
import io.hpcdask.server.ids.WorkerId;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of the worker link: accepts workers, checks their handshake and keeps their heartbeats. Events go
 * to the {@link WorkerListener}; the scheduler answers through each {@link WorkerConnection}.
 */
public final class WorkerTransport implements AutoCloseable {
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 5_000;
    /** Connections that have not authenticated, over all sources; more are closed as soon as they are accepted. */
    public static final int DEFAULT_MAX_UNAUTHENTICATED = 256;
    /** Connections that have not authenticated from one source address. */
    public static final int DEFAULT_MAX_UNAUTHENTICATED_PER_SOURCE = 32;
    /** Refusal lines per minute over all sources (each source gets at most one a minute). */
    static final int REFUSAL_LINES_PER_MINUTE = 100;
    private static final Logger LOG = LoggerFactory.getLogger(WorkerTransport.class);

    private final String bindHost;
    private final int requestedPort;
    private final byte[] token;
    private final long heartbeatMillis;
    private final long handshakeTimeoutMillis;
    private final WorkerListener listener;
    private final UnauthenticatedGate gate;
    private final RefusalLog refusals = new RefusalLog(LOG, System::currentTimeMillis, REFUSAL_LINES_PER_MINUTE);
    private final VersionRefusals versionRefusals = new VersionRefusals(LOG, refusals);
    /** Registered name to its live connection, so a reconnecting worker replaces its stale link. */
    private final ConcurrentMap<WorkerId, ServerWorkerConnection> byName = new ConcurrentHashMap<>();
    private final LinkBytes bytes = new LinkBytes();

    private EventLoopGroup boss;
    private EventLoopGroup io;
    private Channel serverChannel;
    private volatile int boundPort = -1;

    public WorkerTransport(String bindHost, int port, byte[] token, long heartbeatMillis, WorkerListener listener) {
        this(bindHost, port, token, heartbeatMillis, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS, listener);
    }

    public WorkerTransport(String bindHost, int port, byte[] token, long heartbeatMillis, long handshakeTimeoutMillis,
                           WorkerListener listener) {
        this(bindHost, port, token, heartbeatMillis, handshakeTimeoutMillis, DEFAULT_MAX_UNAUTHENTICATED,
                DEFAULT_MAX_UNAUTHENTICATED_PER_SOURCE, listener);
    }

    /**
     * @param handshakeTimeoutMillis how long after accept a peer has to be welcomed, however many bytes it sends
     * @param maxUnauthenticated connections not yet authenticated, over all sources
     * @param maxUnauthenticatedPerSource connections not yet authenticated, from one source address
     */
    public WorkerTransport(String bindHost, int port, byte[] token, long heartbeatMillis, long handshakeTimeoutMillis,
                           int maxUnauthenticated, int maxUnauthenticatedPerSource, WorkerListener listener) {
        if (token == null || token.length == 0) {
            throw new IllegalArgumentException("the cluster token must not be empty");
        }
        if (heartbeatMillis <= 0 || handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("heartbeat and handshake timeout must be positive");
        }
        this.bindHost = bindHost;
        this.requestedPort = port;
        this.token = token.clone();
        this.heartbeatMillis = heartbeatMillis;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.listener = listener;
        this.gate = new UnauthenticatedGate(maxUnauthenticated, maxUnauthenticatedPerSource);
    }

    /** Bytes received on worker links since this transport started (every admitted connection, welcomed or not). */
    public long bytesReceived() {
        return bytes.received();
    }

    /** Bytes sent to workers on their links since this transport started. */
    public long bytesSent() {
        return bytes.sent();
    }

    /** Binds and starts accepting. Port 0 binds an ephemeral port; see {@link #port()}. */
    public synchronized WorkerTransport start() throws IOException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        boss = new NioEventLoopGroup(1);
        io = new NioEventLoopGroup(2);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        String source = sourceOf(ch);
                        String over = gate.tryAdmit(source);
                        if (over != null) {
                            // closed before any handler or buffer exists: a flood costs an accept and a close each
                            refused(source, "Refused connection from " + ch.remoteAddress() + ": " + over);
                            ch.close();
                            return;
                        }
                        // until the Welcome only the absolute handshake deadline applies (ServerLinkHandler), and
                        // frames are capped small; heartbeats and full-size frames start after the Welcome
                        ch.pipeline().addLast("bytes", bytes);
                        MessageFraming.install(ch.pipeline(), MessageFraming.MAX_UNAUTHENTICATED_FRAME_BYTES);
                        ch.pipeline().addLast("link", new ServerLinkHandler(WorkerTransport.this, source));
                    }
                });
        try {
            serverChannel = bootstrap.bind(new InetSocketAddress(bindHost, requestedPort)).sync().channel();
        } catch (Exception e) {
            shutdownGroups();
            throw new IOException("cannot listen for workers on " + bindHost + ":" + requestedPort + ": " + e.getMessage(), e);
        } 
        boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        LOG.info("Listening for workers on {}:{}", bindHost, boundPort);
        return this;
    }

    /** The port actually bound (the ephemeral one when started with port 0), or -1 before {@link #start()}. */
    public int port() {
        return boundPort;
    }

    public long heartbeatMillis() {
        return heartbeatMillis;
    }

    /** Stops accepting and closes every worker link; each connected worker is reported disconnected. */
    @Override
    public synchronized void close() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        for (ServerWorkerConnection c : byName.values()) {
            c.close("scheduler transport closing");
        }
        shutdownGroups();
        serverChannel = null;
    }

    private void shutdownGroups() {
        if (io != null) {
            io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    byte[] token() {
        return token;
    }

    long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** The address a peer connects from (without its port), the unit of the per-source cap and of refusal logging. */
    static String sourceOf(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(ch.remoteAddress());
    }

    /** Gives back an unauthenticated connection's place, once it authenticated or closed. */
    void releaseUnauthenticated(String source) {
        gate.release(source);
    }

    /** How many accepted connections have not authenticated yet (and are not closed). */
    public int unauthenticatedConnections() {
        return gate.unauthenticated();
    }

    /** Logs a refusal of an unauthenticated peer, at most once a minute per source; {@code message} is escaped. */
    void refused(String source, String message) {
        refusals.refused(source, message);
    }

    /** Logs a refusal for another protocol version, once per version claimed; {@code message} is escaped. */
    void refusedVersion(String source, String version, String message) {
        versionRefusals.refused(source, version, message);
    }

    WorkerListener listener() {
        return listener;
    }

    /** Registers {@code fresh}; a live link under the same name is reported lost first, so events stay in order. */
    void register(ServerWorkerConnection fresh) {
        ServerWorkerConnection stale = byName.put(fresh.workerName(), fresh);
        if (stale != null && stale != fresh) {
            stale.lost("replaced by a new connection from " + fresh.remoteAddress());
            stale.close("replaced by a new connection");
        }
    }

    void unregister(ServerWorkerConnection connection) {
        byName.remove(connection.workerName(), connection);
    }
}
