package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hpcdask.protocol.FrameCipher;
import io.hpcdask.protocol.LinkAuth;
import io.hpcdask.protocol.Message;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.ServerConfig;
import io.hpcdask.server.StatusWaits;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.RunView;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 9 rows 1 and 3, with a real worker JVM on loopback: an impostor on the scheduler's port learns nothing and
 * gets nothing run; a capture of a real link shows no token, env value, command or output; a tampered frame closes
 * the link.
 */
class WorkerLinkSecurityTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "cluster-token-5e1f0c2a9b7d4e61";

    @TempDir
    Path dir;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private Path tokenFile() throws Exception {
        return Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    private WorkerProcess worker(int port, String name) throws Exception {
        WorkerProcess w = WorkerProcess.start(WorkerProcess.command(tokenFile(), "127.0.0.1", port, name)
                .deathTimeoutSeconds(120L).localDirectory(dir.toString()), dir, Map.of());
        resources.add(w);
        return w;
    }

    /** The forms a secret could leak in: as is, and hex or base64 of its bytes. */
    private static List<String> forms(String secret) {
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        return List.of(secret, HexFormat.of().formatHex(b), HexFormat.of().withUpperCase().formatHex(b),
                Base64.getEncoder().encodeToString(b), Base64.getUrlEncoder().withoutPadding().encodeToString(b),
                Base64.getEncoder().withoutPadding().encodeToString(b).substring(0, 16));
    }

    private static void assertNoneIn(byte[] capture, List<String> secrets) {
        String text = new String(capture, StandardCharsets.ISO_8859_1);
        for (String s : secrets) {
            for (String form : forms(s)) {
                assertThat(text).as("the capture must not hold %s", form).doesNotContain(form);
            }
        }
    }

    private static Message.StartRun touch(Path marker) {
        return new Message.StartRun("666", List.of("touch", marker.toString()), false, null, Map.of(), Map.of(), List.of());
    }

    /**
     * Row 1: the scheduler is gone and an impostor holds its port, once without the token and once with a wrong one.
     * The worker sends it nothing but a nonce and a proof bound to the impostor's nonce, never its token or its Hello;
     * runs none of the start-runs the impostor sends (in clear, or sealed with the impostor's keys); and keeps
     * retrying instead of trusting it.
     */
    @Test
    void anImpostorOnTheSchedulersPortLearnsNothingAndGetsNothingRun() throws Exception {
        Path marker = dir.resolve("MARKER");
        ByteArrayCapture captured = new ByteArrayCapture();
        try (ServerSocket rogue = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            rogue.setSoTimeout(30_000);
            WorkerProcess w = worker(rogue.getLocalPort(), "victim");

            // 1. no token at all: a start-run straight away
            try (RawLink link = new RawLink(rogue.accept())) {
                assertThat(link.receive()).isInstanceOf(Message.AuthStart.class);
                link.send(touch(marker));
                link.send(new Message.Welcome(Message.VERSION, 1_000, "victim"));
                link.send(touch(marker));
                assertThat(link.closedByPeer()).isTrue();
                captured.add(link);
            }
            // 2. no token: a challenge, then a start-run in place of a proof
            try (RawLink link = new RawLink(rogue.accept())) {
                Message.AuthStart start = (Message.AuthStart) link.receive();
                assertThat(LinkAuth.validNonce(start.nonce())).isTrue();
                link.send(new Message.AuthChallenge(Message.VERSION, LinkAuth.newNonce()));
                assertThat(link.receive()).isInstanceOf(Message.AuthProof.class);
                link.send(touch(marker));
                assertThat(link.closedByPeer()).isTrue();
                captured.add(link);
            }
            // 3. a wrong token: the whole handshake, a proof that cannot verify, then sealed and plain start-runs
            String wrong = "not-the-cluster-token";
            byte[] wrongKey = wrong.getBytes(StandardCharsets.UTF_8);
            try (RawLink link = new RawLink(rogue.accept())) {
                Message.AuthStart start = (Message.AuthStart) link.receive();
                byte[] nonce = LinkAuth.newNonce();
                link.send(new Message.AuthChallenge(Message.VERSION, nonce));
                assertThat(link.receive()).isInstanceOf(Message.AuthProof.class);
                link.send(new Message.AuthProof(LinkAuth.proof(wrongKey, LinkAuth.Role.SCHEDULER, nonce, start.nonce())));
                LinkAuth.Keys keys = LinkAuth.keys(wrongKey, nonce, start.nonce());
                link.sealer = new FrameCipher(keys.schedulerToWorker());
                link.send(new Message.Welcome(Message.VERSION, 1_000, "victim"));
                link.send(touch(marker));
                link.sealer = null;
                link.send(touch(marker));
                assertThat(link.closedByPeer()).isTrue();
                captured.add(link);
            }
            // it keeps coming back to the port, never trusting what holds it
            try (RawLink again = new RawLink(rogue.accept())) {
                assertThat(again.receive()).isInstanceOf(Message.AuthStart.class);
            }
            Thread.sleep(1_000); // a run, had one started, would have touched the marker by now
            assertThat(marker).doesNotExist();
            assertThat(w.process.isAlive()).isTrue();
            assertThat(w.log()).contains("Not trusting 127.0.0.1:" + rogue.getLocalPort())
                    .contains("did not prove it holds the cluster token").doesNotContain(TOKEN);
        }
        assertNoneIn(captured.bytes(), List.of(TOKEN));
        String text = new String(captured.bytes(), StandardCharsets.ISO_8859_1);
        assertThat(text).as("no Hello reaches an unproven scheduler").doesNotContain("hello").doesNotContain("victim");
    }

    /**
     * Row 3: a capture of a real worker's link, through a proxy, for a run with a secret in its environment: neither the
     * token, the env value, the command nor the run's output appears in either direction, yet the run completes.
     */
    @Test
    void aCaptureOfTheLinkShowsNoTokenNoEnvValueNoCommandAndNoOutput() throws Exception {
        SchedulerServer server = SchedulerServer.start(ServerConfig.defaults(dir.resolve("cluster"), Map.of()));
        resources.add(server::close);
        WorkerTransport transport = new WorkerTransport("127.0.0.1", 0, TOKEN.getBytes(StandardCharsets.UTF_8), 1_000,
                server.workerListener()).start();
        resources.add(transport);
        FrameProxy proxy = new FrameProxy(transport.port());
        resources.add(proxy);
        worker(proxy.port(), "captured");
        assertThat(StatusWaits.awaitWorkers(server, 1, WAIT)).isTrue();

        String secret = "env-secret-value-8c41d2";
        String command = "echo distinctive-command-6a3b; printenv SECRET | rev";
        List<String> ids = server.stage(List.of(new RunRequest(List.of(command), true, dir.toString(),
                Map.of("SECRET", secret), List.of(), "captured-run"))).ids();
        await().atMost(WAIT).until(() -> server.runs(null).stream().map(RunView::state).toList().equals(List.of("completed")));
        String output = Files.readString(server.runLog(ids.get(0)));
        String reversed = new StringBuilder(secret).reverse().toString();
        assertThat(output).contains("distinctive-command-6a3b").contains(reversed);

        byte[] capture = proxy.capture();
        assertThat(capture.length).isGreaterThan(500);
        assertNoneIn(capture, List.of(TOKEN, secret, reversed, command, "distinctive-command-6a3b", "printenv SECRET"));
        String text = new String(capture, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("start-run").doesNotContain("SECRET").doesNotContain("captured");
    }

    /** A bit flipped on the way either way closes the link; the worker comes back on a fresh link and works. */
    @Test
    void aTamperedFrameEitherWayClosesTheLinkAndTheWorkerReconnects() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(WorkerTransport.class);
        ListAppender<ILoggingEvent> serverLog = new ListAppender<>();
        serverLog.start();
        log.addAppender(serverLog);
        resources.add(() -> log.detachAppender(serverLog));
        RecordingListener listener = new RecordingListener();
        WorkerTransport transport = new WorkerTransport("127.0.0.1", 0, TOKEN.getBytes(StandardCharsets.UTF_8), 200,
                listener).start();
        resources.add(transport);
        FrameProxy proxy = new FrameProxy(transport.port());
        resources.add(proxy);
        // scheduler to worker: frames 0 and 1 are the plaintext challenge and proof, 2 the Welcome, 3 a heartbeat
        proxy.tamperToWorker.set(3);
        WorkerProcess w = worker(proxy.port(), "tampered");
        await().atMost(WAIT).until(() -> listener.hellos.size() >= 2);
        await().atMost(WAIT).until(() -> w.log().contains("frame failed authentication"));
        assertThat(proxy.tamperToWorker.get()).isEqualTo(-1);
        // worker to scheduler: 0 auth-start, 1 proof, 2 Hello, then heartbeats: the next one
        proxy.tamperToScheduler.set(3);
        await().atMost(WAIT).until(() -> listener.hellos.size() >= 3);
        await().atMost(WAIT).until(() -> serverLog.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains("frame failed authentication")));
        // and the link works afterwards
        WorkerConnection c = listener.connection("tampered");
        Path marker = dir.resolve("after-tamper");
        c.send(new Message.StartRun("1", List.of("touch", marker.toString()), false, null, Map.of(), Map.of(), List.of()));
        await().atMost(WAIT).until(() -> listener.finished("1").isPresent());
        assertThat(marker).exists();
    }

    /** Bytes received by rogue links, for the leak check. */
    private static final class ByteArrayCapture {
        private final java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();

        void add(RawLink link) {
            all.writeBytes(link.received.toByteArray());
        }

        byte[] bytes() {
            return all.toByteArray();
        }
    }
}
