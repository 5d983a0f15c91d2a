package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.MessageFraming;
import io.hpcdask.protocol.WireCodec;
import io.hpcdask.server.api.ApiServer;
import io.hpcdask.server.api.ClusterControl;
import io.hpcdask.server.api.ClusterStatus;
import io.hpcdask.server.api.EmptyService;
import io.hpcdask.server.api.SchedulerClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 9, rows 4 to 6: unauthenticated peers on loopback, bounded in count and time, cost the server a few sockets
 * and a few log lines, while a legitimate worker still gets in.
 */
class HostilePeersTest {
    private static final String TOKEN = "hostile-token";
    private final RecordingListener listener = new RecordingListener();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger transportLog = (Logger) LoggerFactory.getLogger(WorkerTransport.class);
    private final List<Socket> sockets = new ArrayList<>();
    private WorkerTransport transport;

    @BeforeEach
    void captureLog() {
        logged.start();
        transportLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed by the server
            }
        }
        if (transport != null) {
            transport.close();
        }
        transportLog.detachAppender(logged);
    }

    private WorkerTransport start(long handshakeMillis, int maxUnauthenticated, int perSource) throws IOException {
        transport = new WorkerTransport("127.0.0.1", 0, TOKEN.getBytes(StandardCharsets.UTF_8), 1_000, handshakeMillis,
                maxUnauthenticated, perSource, listener).start();
        return transport;
    }

    /** A socket to the transport from {@code source} (any 127.x address is loopback on Linux). */
    private Socket connect(String source) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress("127.0.0.1", transport.port()), 5_000);
        return s;
    }

    /** Whether the server has closed {@code s}: end of stream or a reset, with nothing else to read. */
    private static boolean closedByServer(Socket s) {
        try {
            s.setSoTimeout(1);
            InputStream in = s.getInputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
                // a Refused frame may come first; keep reading
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static Message.Hello hello(String name) {
        return RawLink.hello(name);
    }

    private static void write(Socket s, Message m) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] json = WireCodec.encode(m);
        out.writeInt(json.length);
        out.write(json);
        out.flush();
    }

    private static Message read(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] json = new byte[in.readInt()];
        in.readFully(json);
        return WireCodec.decode(json);
    }

    private void legitimateWorkerGetsIn(String name) throws IOException {
        RawLink w = new RawLink(connect("127.0.0.1"));
        assertThat(w.join(TOKEN, hello(name))).isEqualTo(new Message.Welcome(Message.VERSION, 1_000, name));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.connections.containsKey(name));
    }

    private List<String> lines() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Row 4, the probe itself: 16 MiB frames declared by unauthenticated peers are refused at the length prefix. */
    @Test
    void aHugeFrameBeforeTheHelloClosesTheLinkAtItsLengthPrefix() throws Exception {
        start(30_000, 256, 32);
        List<Socket> peers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = connect("127.0.0.2");
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(MessageFraming.MAX_FRAME_BYTES);
            out.write('{');
            out.flush();
            peers.add(s);
        }
        // closed long before the 30 s handshake deadline: nothing of the declared 16 MiB is waited for
        await().atMost(Duration.ofSeconds(20)).until(() -> peers.stream().allMatch(HostilePeersTest::closedByServer));
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.unauthenticatedConnections() == 0);
        legitimateWorkerGetsIn("after-huge-frames");
    }

    /**
     * Row 4, the trickle: frames under the pre-authentication limit sent a byte at a time, faster than the handshake
     * deadline, are still closed at the deadline, which counts from accept.
     */
    @Test
    void trickledBytesDoNotExtendTheHandshakeDeadline() throws Exception {
        long deadline = 1_500;
        start(deadline, 256, 32);
        List<Socket> peers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = connect("127.0.0.2");
            new DataOutputStream(s.getOutputStream()).writeInt(MessageFraming.MAX_UNAUTHENTICATED_FRAME_BYTES - 1);
            peers.add(s);
        }
        long started = System.nanoTime();
        // a byte every 100 ms on each link, for at most 20 s: an idle timer of 1.5 s would never fire
        while (peers.stream().anyMatch(s -> !closedByServer(s))) {
            assertThat(System.nanoTime() - started).as("all trickling links closed").isLessThan(Duration.ofSeconds(20).toNanos());
            for (Socket s : peers) {
                try {
                    s.getOutputStream().write('x');
                } catch (IOException closed) {
                    // the server closed it
                }
            }
            Thread.sleep(100);
        }
        assertThat(transport.unauthenticatedConnections()).isZero();
        assertThat(lines()).anyMatch(l -> l.contains("not welcomed within 1500 ms of connecting"));
        // one line for the source, not one per link
        assertThat(lines()).filteredOn(l -> l.contains("not welcomed")).hasSize(1);
        legitimateWorkerGetsIn("after-trickle");
    }

    /** The frame limit itself: small before authentication, full size after. */
    @Test
    void framesAreCappedUntilTheLimitIsRaised() {
        EmbeddedChannel ch = new EmbeddedChannel();
        MessageFraming.install(ch.pipeline(), MessageFraming.MAX_UNAUTHENTICATED_FRAME_BYTES);
        assertThat(MessageFraming.frameLimit(ch.pipeline())).isEqualTo(64 * 1024);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(64 * 1024 + 1).writeByte('{')))
                .isInstanceOf(TooLongFrameException.class);

        EmbeddedChannel after = new EmbeddedChannel();
        MessageFraming.install(after.pipeline(), MessageFraming.MAX_UNAUTHENTICATED_FRAME_BYTES);
        MessageFraming.allowFullFrames(after.pipeline());
        byte[] json = WireCodec.encode(new Message.Refused("x".repeat(200_000)));
        after.writeInbound(Unpooled.buffer().writeInt(json.length).writeBytes(json));
        assertThat((Object) after.readInbound()).isEqualTo(new Message.Refused("x".repeat(200_000)));
    }

    /**
     * Row 5: connections that never say hello, beyond the per-source cap, are closed at once; the capped ones hold
     * their places until the deadline; a worker from another address still connects and the API still answers.
     */
    @Test
    void connectionsBeyondThePerSourceCapAreClosedAtOnce() throws Exception {
        start(60_000, WorkerTransport.DEFAULT_MAX_UNAUTHENTICATED, WorkerTransport.DEFAULT_MAX_UNAUTHENTICATED_PER_SOURCE);
        int cap = WorkerTransport.DEFAULT_MAX_UNAUTHENTICATED_PER_SOURCE;
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < cap + 40; i++) {
            flood.add(connect("127.0.0.2"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> flood.stream().filter(HostilePeersTest::closedByServer).count() == 40);
        assertThat(transport.unauthenticatedConnections()).isEqualTo(cap);
        List<String> refused = lines().stream().filter(l -> l.contains("Refused connection from")).toList();
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).contains("over " + cap + " connections from this address");

        legitimateWorkerGetsIn("beside-the-flood");
        assertThat(transport.unauthenticatedConnections()).isEqualTo(cap);
        try (ApiServer api = new ApiServer(new EmptyService(), new StatusOnly(), TOKEN.getBytes(StandardCharsets.UTF_8), 0)) {
            api.start();
            assertThat(new SchedulerClient("127.0.0.1", api.port(), TOKEN).status().name()).isEqualTo("hostile");
        }

        // the flood ends: its places are given back
        for (Socket s : flood) {
            s.close();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> transport.unauthenticatedConnections() == 0);
    }

    /** Row 5, the global cap: many sources together cannot hold more than it; a place freed is a place usable. */
    @Test
    void connectionsBeyondTheGlobalCapAreClosedAtOnce() throws Exception {
        start(60_000, 10, 4);
        List<Socket> held = new ArrayList<>();
        for (String source : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")) {
            for (int i = 0; i < 4; i++) {
                held.add(connect(source));
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> held.stream().filter(HostilePeersTest::closedByServer).count() == 6);
        assertThat(transport.unauthenticatedConnections()).isEqualTo(10);
        for (Socket s : held) {
            s.close();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> transport.unauthenticatedConnections() == 0);
        legitimateWorkerGetsIn("after-global-flood");
    }

    /**
     * Row 6: two hundred refused peers from one source within the minute give one log line. A peer without the token
     * never gets to name itself (the Hello comes after the proof), so the line holds its address only; a peer with the
     * token and a name holding a newline (a forged log line) and a lot of text gives one line, escaped and cut short.
     */
    @Test
    void aRefusedHelloIsLoggedOnceEscapedAndTruncated() throws Exception {
        start(30_000, 256, 32);
        for (int i = 0; i < 200; i++) {
            try (RawLink s = new RawLink(connect("127.0.0.1"))) {
                assertThat(s.join("wrong-token", hello("w" + i))).isEqualTo(new Message.Refused("wrong or missing cluster token"));
            }
        }
        List<String> refusals = lines().stream().filter(l -> l.startsWith("Refused worker")).toList();
        assertThat(refusals).hasSize(1);
        assertThat(refusals.get(0)).contains("(unnamed)").contains("wrong or missing cluster token");
        String name = "evil\u001b[2J\n2025-01-01 00:00:00.000 INFO  [loop] SchedulerServer - Run 4242 completed"
                + "x".repeat(60_000);
        try (RawLink s = new RawLink(connect("127.0.0.4"))) {
            assertThat(s.join(TOKEN, hello(name))).isInstanceOf(Message.Refused.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream().anyMatch(l -> l.contains("127.0.0.4")));
        List<String> evil = lines().stream().filter(l -> l.contains("127.0.0.4")).toList();
        assertThat(evil).hasSize(1);
        String line = evil.get(0);
        assertThat(line).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b")
                .contains("evil\\u001b[2J\\n2025-01-01")
                .contains("more chars)")
                .hasSizeLessThan(400);
        // a frame too big for the pre-authentication frame limit is not even parsed: one line, no name in it
        Socket big = connect("127.0.0.3");
        byte[] json = ("{\"type\":\"hello\",\"version\":" + Message.VERSION + ",\"name\":\"evil\\n" + "y".repeat(1 << 20) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DataOutputStream out = new DataOutputStream(big.getOutputStream());
        out.writeInt(json.length);
        try {
            out.write(json);
        } catch (IOException closed) {
            // the server may close before the whole megabyte is written
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> closedByServer(big));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream().anyMatch(l -> l.contains("127.0.0.3")));
        List<String> fromBig = lines().stream().filter(l -> l.contains("127.0.0.3")).toList();
        assertThat(fromBig).hasSize(1);
        assertThat(fromBig.get(0)).contains("frame too long").contains("exceeds the limit of 65536 bytes before authentication").doesNotContain("yyyy");
        legitimateWorkerGetsIn("after-refusals");
    }

    /** Even with the token, a worker name with a control character (it would reach logs and tables) is refused. */
    @Test
    void aWorkerNameWithAControlCharacterIsRefusedEvenWithTheToken() throws Exception {
        start(30_000, 256, 32);
        RawLink s = new RawLink(connect("127.0.0.1"));
        assertThat(s.join(TOKEN, hello("w1\nRun 4242 completed"))).isInstanceOfSatisfying(Message.Refused.class,
                r -> assertThat(r.reason()).contains("control characters"));
        assertThat(listener.hellos).isEmpty();
        List<String> refusals = lines().stream().filter(l -> l.startsWith("Refused worker")).toList();
        assertThat(refusals).hasSize(1);
        assertThat(refusals.get(0)).contains("Refused worker w1\\nRun 4242 completed").doesNotContain("\n");
        legitimateWorkerGetsIn("w1");
    }

    private static final class StatusOnly implements ClusterControl {
        @Override
        public ClusterStatus status() {
            return new ClusterStatus("hostile", "127.0.0.1", 1, 2, 3, 4, 0, Map.of(), "", 0, false, "127.0.0.1:2", "localhost", null);
        }

        @Override
        public void shutdown() {
        }
    }
}
