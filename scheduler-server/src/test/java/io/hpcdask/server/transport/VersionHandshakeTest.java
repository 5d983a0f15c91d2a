package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hpcdask.protocol.LinkAuth;
import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.Release;
import io.hpcdask.worker.WorkerCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A real server and real worker JVMs of another version: the worker's build claims another protocol and release
 * through its own {@code version.properties}, put first on its class path, exactly as a jar of another release would.
 */
class VersionHandshakeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "version-test-token-77c1";

    @TempDir
    Path dir;
    private Path tokenFile;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final ListAppender<ILoggingEvent> serverLog = new ListAppender<>();

    @BeforeEach
    void setUp() throws Exception {
        tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Logger log = (Logger) LoggerFactory.getLogger(WorkerTransport.class);
        serverLog.start();
        log.addAppender(serverLog);
        cleanup.add(() -> log.detachAppender(serverLog));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    /** A worker JVM whose build says protocol {@code protocol} and release {@code release}. */
    private WorkerProcess worker(int port, String name, int protocol, String release, long deathTimeout) throws Exception {
        Path claim = dir.resolve("claim-" + name);
        Files.createDirectories(claim.resolve("io/hpcdask/protocol"));
        Files.writeString(claim.resolve("io/hpcdask/protocol/version.properties"),
                "protocol=" + protocol + "\nrelease=" + release + "\n");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = WorkerCommand.forClasspath(javaBin, claim + java.io.File.pathSeparator
                        + System.getProperty("java.class.path"))
                .argv(WorkerProcess.command(tokenFile, "127.0.0.1", port, name).deathTimeoutSeconds(deathTimeout)
                        .localDirectory(dir.toString()).build());
        WorkerProcess w = WorkerProcess.start(argv, dir, Map.of());
        cleanup.add(w);
        return w;
    }

    private WorkerTransport transport(RecordingListener listener) throws Exception {
        WorkerTransport t = new WorkerTransport("127.0.0.1", 0, TOKEN.getBytes(StandardCharsets.UTF_8), 1_000, listener)
                .start();
        cleanup.add(t);
        return t;
    }

    private List<String> serverLines() {
        return serverLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aNewerWorkerIsRefusedWithOneClearLineOnBothSidesAndExitsAtOnce() throws Exception {
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(listener);
        String expected = "worker 0.3.0 (protocol " + (Message.VERSION + 1) + ") cannot talk to scheduler "
                + Release.VERSION + " (protocol " + Message.VERSION + "): run 'hpc-dask cluster up' again after upgrading";
        WorkerProcess first = worker(t.port(), "newer-1", Message.VERSION + 1, "0.3.0", 120);
        WorkerProcess second = worker(t.port(), "newer-2", Message.VERSION + 1, "0.3.0", 120);
        // exit code 4 well before the death timeout: no reconnect loop
        assertThat(first.exitCode(60)).as(first.log()).isEqualTo(4);
        assertThat(second.exitCode(60)).as(second.log()).isEqualTo(4);
        for (WorkerProcess w : List.of(first, second)) {
            assertThat(w.log()).contains(expected);
            assertThat(w.log().split("cannot talk to scheduler", -1)).as("said once").hasSize(2);
            assertThat(w.log()).doesNotContain("Cannot reach").doesNotContain(TOKEN);
        }
        assertThat(listener.hellos).isEmpty();
        // the server: one line for both workers of that version
        assertThat(serverLines().stream().filter(l -> l.contains(expected))).hasSize(1);
    }

    @Test
    void aWorkerOfHpcDask01IsToldWhatItIs() throws Exception {
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(listener);
        // hpc-dask 0.1 spoke protocol 2 and sent no release
        WorkerProcess older = worker(t.port(), "older", 2, "", 120);
        assertThat(older.exitCode(60)).as(older.log()).isEqualTo(4);
        assertThat(older.log()).contains("worker 0.1 (protocol 2) cannot talk to scheduler "
                + Release.VERSION + " (protocol " + Message.VERSION + ")");
    }

    @Test
    void aWorkerOfTheSameVersionIsWelcomedAsBefore() throws Exception {
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(listener);
        worker(t.port(), "same", Message.VERSION, Release.VERSION, 120);
        await().atMost(WAIT).until(() -> !listener.hellos.isEmpty());
        assertThat(serverLines()).noneMatch(l -> l.contains("cannot talk"));
    }

    /** A fake scheduler that answers every connection with what {@code answer} makes of the worker's AuthStart. */
    private int fakeScheduler(Function<Message.AuthStart, Message> answer) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        cleanup.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (RawLink link = new RawLink(server.accept())) {
                    link.send(answer.apply((Message.AuthStart) link.receive()));
                    link.closedByPeer();
                } catch (IOException | RuntimeException e) {
                    if (!server.isClosed()) {
                        System.err.println("fake scheduler: " + e);
                    }
                }
            }
        }, "fake-scheduler");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    @Test
    void aVersionRefusalWithoutTheSchedulersProofDoesNotPassForOne() throws Exception {
        // an impostor on the port claims another version but cannot prove it holds the token: the worker does not take
        // it for a version refusal (it stops as for any unproven refusal, exit 3, never 4)
        int port = fakeScheduler(start -> new Message.Refused("worker x cannot talk to scheduler y", Message.VERSION + 1,
                "9.9.9", LinkAuth.versionRefusalProof("not-the-token".getBytes(StandardCharsets.UTF_8),
                        Message.VERSION + 1, "9.9.9", start.version(), start.release(), start.nonce())));
        WorkerProcess w = worker(port, "forged", Message.VERSION, Release.VERSION, 120);
        assertThat(w.exitCode(60)).as(w.log()).isEqualTo(3);
        assertThat(w.log()).doesNotContain("cannot talk to scheduler 9.9.9");
    }

    @Test
    void aProofMadeForAnotherWorkerVersionIsRejected() throws Exception {
        // a man in the middle rewrote the worker's version on its way to the real scheduler, which refused it with a
        // proof over the rewritten version: the worker checks the proof against its own version and rejects it
        byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
        int port = fakeScheduler(start -> new Message.Refused("refused", Message.VERSION + 1, "9.9.9",
                LinkAuth.versionRefusalProof(token, Message.VERSION + 1, "9.9.9", start.version() + 5, start.release(),
                        start.nonce())));
        WorkerProcess w = worker(port, "rewritten", Message.VERSION, Release.VERSION, 120);
        assertThat(w.exitCode(60)).as(w.log()).isEqualTo(3);
        assertThat(w.log()).doesNotContain("cannot talk to scheduler");
    }

    @Test
    void aProvenRefusalFromASchedulerHoldingTheTokenIsBelieved() throws Exception {
        byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
        int port = fakeScheduler(start -> new Message.Refused("refused", Message.VERSION + 1, "0.9.0",
                LinkAuth.versionRefusalProof(token, Message.VERSION + 1, "0.9.0", start.version(), start.release(),
                        start.nonce())));
        WorkerProcess w = worker(port, "proven", Message.VERSION, Release.VERSION, 120);
        assertThat(w.exitCode(60)).as(w.log()).isEqualTo(4);
        assertThat(w.log()).contains("worker " + Release.VERSION + " (protocol " + Message.VERSION + ") cannot talk to"
                + " scheduler 0.9.0 (protocol " + (Message.VERSION + 1) + ")");
    }

    @Test
    void aChallengeOfAnotherVersionIsNotTrustedAndTheWorkerKeepsTrying() throws Exception {
        // a real scheduler of another version refuses before it challenges; a challenge of another version comes from
        // something else, which must not make the worker give up before its death timeout
        int port = fakeScheduler(start -> new Message.AuthChallenge(Message.VERSION + 1, LinkAuth.newNonce(), "9.9.9"));
        WorkerProcess w = worker(port, "challenged", Message.VERSION, Release.VERSION, 15);
        await().atMost(WAIT).until(() -> w.log().contains("Not trusting 127.0.0.1:" + port
                + ": the scheduler challenged with protocol version " + (Message.VERSION + 1)));
        // it did not stop there: it ends at its death timeout, as when no scheduler answers
        assertThat(w.exitCode(60)).as(w.log()).isEqualTo(1);
        assertThat(w.log()).contains("No scheduler at 127.0.0.1:" + port + " for 15 s (--death-timeout)")
                .doesNotContain("cannot talk to");
    }
}
