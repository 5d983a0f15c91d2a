package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** Causes of real failed connects, both from plain sockets (the probe) and from netty (the worker's link). */
class ConnectFailureTest {

    @Test
    void aClosedLoopbackPortIsRefused() throws Exception {
        int port = closedPort();
        assertThat(ConnectFailure.describe(plainConnect("127.0.0.1", port))).isEqualTo("connection refused");
        assertThat(ConnectFailure.describe(nettyConnect("127.0.0.1", port))).isEqualTo("connection refused");
    }

    @Test
    void anUnresolvableNameIsNameNotFound() throws Exception {
        assertThat(ConnectFailure.describe(plainConnect("no-such-host.invalid", 80))).isEqualTo("name not found");
        assertThat(ConnectFailure.describe(nettyConnect("no-such-host.invalid", 80))).isEqualTo("name not found");
    }

    @Test
    void anythingElseKeepsItsText() {
        assertThat(ConnectFailure.describe(new java.net.SocketException("Too many open files")))
                .isEqualTo("failed: java.net.SocketException: Too many open files");
    }

    @Test
    void theHintNamesTheAddressAndWhatToChange() {
        assertThat(ConnectFailure.hint("10.0.0.5:40001")).isEqualTo("compute nodes cannot reach 10.0.0.5:40001: run"
                + " hpc-dask on the login node, or set --interface/--scheduler-address");
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Throwable plainConnect(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5_000);
            throw new AssertionError("connected to " + host + ":" + port);
        } catch (Exception e) {
            return e;
        }
    }

    private static Throwable nettyConnect(String host, int port) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(host, port).await();
            assertThat(f.isSuccess()).isFalse();
            return f.cause();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).await();
        }
    }
}
