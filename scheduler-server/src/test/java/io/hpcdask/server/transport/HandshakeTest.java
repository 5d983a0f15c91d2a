package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.WireCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's side of the handshake, spoken by hand over a plain socket. */
class HandshakeTest {
    private static final String TOKEN = "handshake-token";
    private final RecordingListener listener = new RecordingListener();
    private WorkerTransport transport;

    @BeforeEach
    void start() throws Exception {
        transport = new WorkerTransport("127.0.0.1", 0, TOKEN.getBytes(StandardCharsets.UTF_8), 1_000, 3_000, listener)
                .start();
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    private static Message.Hello hello(int version, String token, String name) {
        return new Message.Hello(version, token, name, "host", null, Map.of("cores", 1L), 1, List.of(), 0, List.of());
    }

    private static void write(DataOutputStream out, Message m) throws Exception {
        byte[] json = WireCodec.encode(m);
        out.writeInt(json.length);
        out.write(json);
        out.flush();
    }

    private static Message read(DataInputStream in) throws Exception {
        byte[] json = new byte[in.readInt()];
        in.readFully(json);
        return WireCodec.decode(json);
    }

    @Test
    void rightTokenGetsWelcomeAndHeartbeats() throws Exception {
        try (Socket s = new Socket("127.0.0.1", transport.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            write(out, hello(Message.VERSION, TOKEN, "raw"));
            assertThat(read(in)).isEqualTo(new Message.Welcome(Message.VERSION, 1_000, "raw"));
            assertThat(read(in)).isInstanceOf(Message.Heartbeat.class);
            assertThat(listener.connections).containsKey("raw");
        }
    }

    @Test
    void wrongVersionIsRefusedAndClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", transport.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            write(out, hello(Message.VERSION + 1, TOKEN, "future"));
            assertThat(read(in)).isInstanceOfSatisfying(Message.Refused.class,
                    r -> assertThat(r.reason()).contains("protocol version " + (Message.VERSION + 1)));
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void missingTokenIsRefused() throws Exception {
        try (Socket s = new Socket("127.0.0.1", transport.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            write(out, hello(Message.VERSION, null, "anon"));
            assertThat(read(in)).isEqualTo(new Message.Refused("wrong or missing cluster token"));
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void aSilentClientIsDroppedAfterTheHandshakeTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", transport.port())) {
            s.setSoTimeout(30_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aFirstFrameThatIsNotHelloIsRefused() throws Exception {
        try (Socket s = new Socket("127.0.0.1", transport.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            write(out, new Message.Heartbeat(1));
            assertThat(read(in)).isInstanceOf(Message.Refused.class);
        }
    }

    @Test
    void garbageClosesTheLink() throws Exception {
        try (Socket s = new Socket("127.0.0.1", transport.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] junk = "{not json".getBytes(StandardCharsets.UTF_8);
            out.writeInt(junk.length);
            out.write(junk);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            try {
                while (true) {
                    in.readByte();
                }
            } catch (EOFException expected) {
                // closed by the server
            }
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void aReconnectUnderTheSameNameReplacesTheStaleLinkAndReportsItLostFirst() throws Exception {
        try (Socket a = new Socket("127.0.0.1", transport.port()); Socket b = new Socket("127.0.0.1", transport.port())) {
            a.setSoTimeout(10_000);
            b.setSoTimeout(10_000);
            write(new DataOutputStream(a.getOutputStream()), hello(Message.VERSION, TOKEN, "twin"));
            assertThat(read(new DataInputStream(a.getInputStream()))).isInstanceOf(Message.Welcome.class);
            WorkerConnection stale = listener.connection("twin");
            write(new DataOutputStream(b.getOutputStream()), hello(Message.VERSION, TOKEN, "twin"));
            assertThat(read(new DataInputStream(b.getInputStream()))).isInstanceOf(Message.Welcome.class);
            org.awaitility.Awaitility.await().until(() -> listener.hellos.size() == 2);
            assertThat(listener.disconnectsOf(stale)).isEqualTo(1);
            assertThat(listener.connection("twin")).isNotSameAs(stale);
            // the stale socket is closed by the server
            DataInputStream staleIn = new DataInputStream(a.getInputStream());
            try {
                while (true) {
                    staleIn.readByte();
                }
            } catch (EOFException expected) {
                // closed
            }
        }
    }
}
