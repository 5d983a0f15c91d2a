package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.protocol.LinkAuth;
import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.Release;
import io.hpcdask.protocol.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
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

    @Test
    void rightTokenGetsWelcomeAndHeartbeats() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            assertThat(link.join(TOKEN, RawLink.hello("raw"))).isEqualTo(new Message.Welcome(Message.VERSION, 1_000, "raw"));
            assertThat(link.receive()).isInstanceOf(Message.Heartbeat.class);
            assertThat(listener.connections).containsKey("raw");
        }
    }

    @Test
    void theSchedulerProvesItHoldsTheTokenWithoutSendingItAndEncryptsEverythingAfter() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            byte[] workerNonce = LinkAuth.newNonce();
            link.send(new Message.AuthStart(Message.VERSION, workerNonce));
            byte[] challengeFrame = link.readFrame();
            Message.AuthChallenge c = (Message.AuthChallenge) WireCodec.decode(challengeFrame);
            byte[] key = TOKEN.getBytes(StandardCharsets.UTF_8);
            link.send(new Message.AuthProof(LinkAuth.proof(key, LinkAuth.Role.WORKER, c.nonce(), workerNonce)));
            byte[] proofFrame = link.readFrame();
            Message.AuthProof p = (Message.AuthProof) WireCodec.decode(proofFrame);
            assertThat(LinkAuth.verify(key, LinkAuth.Role.SCHEDULER, c.nonce(), workerNonce, p.proof())).isTrue();
            // a worker's proof is not a scheduler's (roles are bound), nor valid for other nonces
            assertThat(LinkAuth.verify(key, LinkAuth.Role.WORKER, c.nonce(), workerNonce, p.proof())).isFalse();
            assertThat(LinkAuth.verify(key, LinkAuth.Role.SCHEDULER, c.nonce(), LinkAuth.newNonce(), p.proof())).isFalse();
            for (byte[] frame : List.of(challengeFrame, proofFrame)) {
                String text = new String(frame, StandardCharsets.ISO_8859_1);
                assertThat(text).doesNotContain(TOKEN).doesNotContain(HexFormat.of().formatHex(key));
            }
            LinkAuth.Keys keys = LinkAuth.keys(key, c.nonce(), workerNonce);
            link.sealer = new io.hpcdask.protocol.FrameCipher(keys.workerToScheduler());
            link.send(RawLink.hello("sealed"));
            byte[] welcome = link.readFrame();
            assertThatThrownBy(() -> WireCodec.decode(welcome)).isInstanceOf(java.io.IOException.class);
            assertThat(new String(welcome, StandardCharsets.ISO_8859_1)).doesNotContain("welcome").doesNotContain("sealed");
            Message opened = WireCodec.decode(new io.hpcdask.protocol.FrameCipher(keys.schedulerToWorker()).open(welcome));
            assertThat(opened).isEqualTo(new Message.Welcome(Message.VERSION, 1_000, "sealed"));
        }
    }

    @Test
    void wrongVersionIsRefusedAndClosed() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            byte[] nonce = LinkAuth.newNonce();
            link.send(new Message.AuthStart(Message.VERSION + 1, nonce, "7.0.0"));
            assertThat(link.receive()).isInstanceOfSatisfying(Message.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo("worker 7.0.0 (protocol " + (Message.VERSION + 1) + ") cannot talk to"
                        + " scheduler " + Release.VERSION + " (protocol " + Message.VERSION + "): run 'hpc-dask cluster up'"
                        + " again after upgrading");
                assertThat(r.version()).isEqualTo(Message.VERSION);
                assertThat(LinkAuth.verifyVersionRefusal(TOKEN.getBytes(StandardCharsets.UTF_8), r.version(),
                        r.release(), Message.VERSION + 1, "7.0.0", nonce, r.proof())).isTrue();
            });
            assertThat(link.in.read()).isEqualTo(-1);
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void anOldHelloCarryingATokenIsRefusedNamingItsVersion() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            link.writeFrame(("{\"type\":\"hello\",\"version\":1,\"token\":\"" + TOKEN + "\",\"name\":\"old\"}")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(link.receive()).isInstanceOfSatisfying(Message.Refused.class,
                    r -> assertThat(r.reason()).contains("protocol version 1 is not supported"));
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void wrongTokenIsRefused() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            assertThat(link.join("not-" + TOKEN, RawLink.hello("anon")))
                    .isEqualTo(new Message.Refused("wrong or missing cluster token"));
            assertThat(link.closedByPeer()).isTrue();
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void missingProofIsRefused() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            link.send(new Message.AuthStart(Message.VERSION, LinkAuth.newNonce()));
            assertThat(link.receive()).isInstanceOf(Message.AuthChallenge.class);
            link.send(new Message.AuthProof(null));
            assertThat(link.receive()).isEqualTo(new Message.Refused("wrong or missing cluster token"));
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void aPlaintextHelloAfterTheProofIsNotAcceptedAndClosesTheLink() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            assertThat(link.authenticateAsWorker(TOKEN)).isInstanceOf(Message.AuthProof.class);
            link.sealer = null; // "forget" to encrypt
            link.send(RawLink.hello("plain"));
            assertThat(link.closedByPeer()).isTrue();
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void aTamperedFrameClosesTheLinkAndTheWorkerIsLost() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            assertThat(link.join(TOKEN, RawLink.hello("victim"))).isInstanceOf(Message.Welcome.class);
            WorkerConnection c = listener.connection("victim");
            byte[] sealed = link.sealer.seal(WireCodec.encode(new Message.RunStarted("1", 42)));
            sealed[sealed.length / 2] ^= 0x01;
            link.writeFrame(sealed);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> listener.disconnectsOf(c) == 1);
            assertThat(link.closedByPeer()).isTrue();
        }
        assertThat(listener.messages).isEmpty();
    }

    @Test
    void aReplayedFrameClosesTheLink() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            assertThat(link.join(TOKEN, RawLink.hello("replayed"))).isInstanceOf(Message.Welcome.class);
            WorkerConnection c = listener.connection("replayed");
            byte[] sealed = link.sealer.seal(WireCodec.encode(new Message.Draining("once")));
            link.writeFrame(sealed);
            link.writeFrame(sealed);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> listener.disconnectsOf(c) == 1);
        }
        assertThat(listener.messages).containsExactly(new Message.Draining("once"));
    }

    @Test
    void aSilentClientIsDroppedAfterTheHandshakeTimeout() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            link.socket.setSoTimeout(30_000);
            assertThat(link.in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aFirstFrameThatIsNotAuthStartIsRefused() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            link.send(new Message.Heartbeat(1));
            assertThat(link.receive()).isInstanceOf(Message.Refused.class);
        }
    }

    @Test
    void garbageClosesTheLink() throws Exception {
        try (RawLink link = RawLink.connect(transport.port())) {
            link.writeFrame("{not json".getBytes(StandardCharsets.UTF_8));
            assertThat(link.closedByPeer()).isTrue();
        }
        assertThat(listener.hellos).isEmpty();
    }

    @Test
    void aReconnectUnderTheSameNameReplacesTheStaleLinkAndReportsItLostFirst() throws Exception {
        try (RawLink a = RawLink.connect(transport.port()); RawLink b = RawLink.connect(transport.port())) {
            assertThat(a.join(TOKEN, RawLink.hello("twin"))).isInstanceOf(Message.Welcome.class);
            WorkerConnection stale = listener.connection("twin");
            assertThat(b.join(TOKEN, RawLink.hello("twin"))).isInstanceOf(Message.Welcome.class);
            org.awaitility.Awaitility.await().until(() -> listener.hellos.size() == 2);
            assertThat(listener.disconnectsOf(stale)).isEqualTo(1);
            assertThat(listener.connection("twin")).isNotSameAs(stale);
            assertThat(a.closedByPeer()).isTrue(); // the stale socket is closed by the server
        }
    }
}
