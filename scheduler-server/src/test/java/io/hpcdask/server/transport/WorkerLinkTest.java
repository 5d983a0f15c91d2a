package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.Resources;
import io.hpcdask.protocol.Walltime;
import io.hpcdask.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The link's life with real worker JVMs: handshake, refusal, heartbeats, reconnects, drain, stop, death-timeout. */
class WorkerLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "link-test-token-4f9a";

    @TempDir
    Path dir;
    private Path tokenFile;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void writeToken() throws Exception {
        tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private WorkerTransport transport(int port, long heartbeatMillis, RecordingListener listener) throws Exception {
        WorkerTransport t = new WorkerTransport("127.0.0.1", port, TOKEN.getBytes(StandardCharsets.UTF_8),
                heartbeatMillis, listener).start();
        cleanup.add(t);
        return t;
    }

    private WorkerProcess worker(WorkerOptions.Builder options, Map<String, String> env) throws Exception {
        return worker(WorkerProcess.argv(options), env);
    }

    private WorkerProcess worker(List<String> argv, Map<String, String> env) throws Exception {
        WorkerProcess w = WorkerProcess.start(argv, dir, env);
        cleanup.add(w);
        return w;
    }

    @Test
    void workerIntroducesItselfAndIsWelcomed() throws Exception {
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(0, 1_000, listener);
        long before = System.currentTimeMillis();
        worker(WorkerProcess.command(tokenFile, "127.0.0.1", t.port(), "hello").cores(3).memory(Memory.parse("2G"))
                .resources(Resources.parse("foo=5")).slots(7).lifetime(Walltime.parse("01:00:00")),
                Map.of("HPC_DASK_JOB_ID", "local7"));
        await().atMost(WAIT).until(() -> !listener.hellos.isEmpty());
        Message.Hello hello = listener.hellos.get(0);
        assertThat(hello.name()).isEqualTo("hello-local7");
        assertThat(hello.jobId()).isEqualTo("local7");
        assertThat(hello.resources()).containsEntry("cores", 3L).containsEntry("memory", 2L << 30)
                .containsEntry("foo", 5L).doesNotContainKey("gpu");
        assertThat(hello.slots()).isEqualTo(7);
        assertThat(hello.heldRuns()).isEmpty();
        assertThat(hello.host()).isNotBlank();
        assertThat(hello.endTimeMillis()).isBetween(before + 3_600_000, System.currentTimeMillis() + 3_600_000);
        assertThat(listener.connection("hello-local7").remoteAddress()).contains("127.0.0.1");
    }

    @Test
    void wrongTokenIsRefusedAndTheWorkerExitsSayingWhy() throws Exception {
        ListAppender<ILoggingEvent> serverLog = captureLog();
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(0, 1_000, listener);
        Path wrong = dir.resolve("wrong-token");
        Files.writeString(wrong, "not-the-token-77");
        WorkerProcess w = worker(WorkerProcess.command(wrong, "127.0.0.1", t.port(), "intruder"), Map.of());
        assertThat(w.exitCode(30)).isEqualTo(3);
        assertThat(w.log()).contains("refused this worker: wrong or missing cluster token")
                .doesNotContain("not-the-token-77").doesNotContain(TOKEN);
        assertThat(listener.hellos).isEmpty();
        // a peer without the token never gets as far as naming itself: the line names its address
        assertThat(serverLog.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("Refused worker (unnamed) from /127.0.0.1").contains("wrong or missing cluster token"));
        assertThat(serverLog.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("not-the-token-77"));
    }

    @Test
    void workerWithoutASchedulerExitsAfterItsDeathTimeout() throws Exception {
        int freePort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        WorkerProcess w = worker(WorkerProcess.command(tokenFile, "127.0.0.1", freePort, "orphan").deathTimeoutSeconds(2L),
                Map.of());
        assertThat(w.exitCode(30)).isEqualTo(1);
        assertThat(w.log()).contains("No scheduler at 127.0.0.1:" + freePort).contains("--death-timeout");
    }

    @Test
    void aStoppedWorkerIsLostAfterThreeSilentHeartbeatsAndReportedOnce() throws Exception {
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(0, 200, listener);
        WorkerProcess w = worker(WorkerProcess.command(tokenFile, "127.0.0.1", t.port(), "sleeper"), Map.of());
        await().atMost(WAIT).until(() -> listener.connections.containsKey("sleeper"));
        WorkerConnection first = listener.connection("sleeper");
        signal(w.pid(), "STOP");
        try {
            await().atMost(WAIT).until(() -> listener.disconnectsOf(first) == 1);
            assertThat(listener.disconnects.get(0).reason()).contains("silent for 3 heartbeat periods");
        } finally {
            signal(w.pid(), "CONT");
        }
        // woken up, it finds its link gone and registers again under the same name
        await().atMost(WAIT).until(() -> listener.hellos.size() >= 2);
        assertThat(listener.connection("sleeper")).isNotSameAs(first);
        assertThat(listener.disconnectsOf(first)).isEqualTo(1);
    }

    @Test
    void afterTheServerRestartsTheWorkerReRegistersWithTheRunItStillHolds() throws Exception {
        RecordingListener firstListener = new RecordingListener();
        WorkerTransport first = transport(0, 500, firstListener);
        int port = first.port();
        worker(WorkerProcess.command(tokenFile, "127.0.0.1", port, "keeper").deathTimeoutSeconds(60L), Map.of());
        await().atMost(WAIT).until(() -> firstListener.connections.containsKey("keeper"));
        Path flag = dir.resolve("flag");
        // "after" is written only once the test says so, i.e. while no scheduler listens
        firstListener.connection("keeper").send(new Message.StartRun("held-1", List.of("bash", "-c",
                "echo before; while [ ! -e " + flag + " ]; do sleep 0.05; done; echo after; sleep 60"), false, null,
                Map.of(), Map.of(), List.of()));
        await().atMost(WAIT).until(() -> firstListener.output("held-1", "stdout").equals("before\n"));
        first.close();
        Files.writeString(flag, "");
        Thread.sleep(300); // let "after" be written while the link is down (the test holds either way)

        RecordingListener second = new RecordingListener();
        transport(port, 500, second);
        await().atMost(WAIT).until(() -> !second.hellos.isEmpty());
        assertThat(second.hellos.get(0).name()).isEqualTo("keeper");
        assertThat(second.hellos.get(0).heldRuns()).containsExactly("held-1");
        // output made while no scheduler listened was kept and arrives after the reconnect
        await().atMost(WAIT).until(() -> second.output("held-1", "stdout").contains("after\n"));
        second.connection("keeper").send(new Message.CancelRun("held-1"));
        await().atMost(WAIT).until(() -> second.finished("held-1").isPresent());
        assertThat(second.finished("held-1").orElseThrow().terminated()).isTrue();
    }

    @Test
    void workerDropsASchedulerThatFallsSilentAndComesBack() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(30_000);
            worker(WorkerProcess.command(tokenFile, "127.0.0.1", server.getLocalPort(), "watcher"), Map.of());
            try (RawLink mute = new RawLink(server.accept())) {
                mute.socket.setSoTimeout(30_000);
                assertThat(mute.authenticateAsScheduler(TOKEN).name()).isEqualTo("watcher");
                mute.send(new Message.Welcome(Message.VERSION, 200, "watcher"));
                // now say nothing: the worker keeps heartbeating, then gives up on us and closes
                try {
                    while (true) {
                        assertThat(mute.receive()).isInstanceOf(Message.Heartbeat.class);
                    }
                } catch (java.io.EOFException closedByWorker) {
                    // expected
                }
            }
            try (java.net.Socket again = server.accept()) {
                assertThat(again.isConnected()).isTrue(); // it came back on its own
            }
        }
    }

    @Test
    void drainedIdleWorkerSaysSoAndExitsCleanly() throws Exception {
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(0, 1_000, listener);
        WorkerProcess w = worker(WorkerProcess.command(tokenFile, "127.0.0.1", t.port(), "drained"), Map.of());
        await().atMost(WAIT).until(() -> listener.connections.containsKey("drained"));
        listener.connection("drained").send(new Message.Drain("test"));
        assertThat(w.exitCode(30)).isEqualTo(0);
        assertThat(listener.messages).anySatisfy(m -> assertThat(m).isInstanceOf(Message.Draining.class));
    }

    @Test
    void workerDrainsAGracePeriodBeforeItsLifetimeEndsAndExitsAfterItsLastRun() throws Exception {
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(0, 1_000, listener);
        WorkerProcess w = worker(WorkerProcess.command(tokenFile, "127.0.0.1", t.port(), "mortal")
                .lifetime(Walltime.parse("00:10")).lifetimeGraceSeconds(5L), Map.of());
        await().atMost(WAIT).until(() -> listener.connections.containsKey("mortal"));
        listener.connection("mortal").send(new Message.StartRun("last", List.of("sleep", "7"), false, null, Map.of(),
                Map.of(), List.of()));
        await().atMost(WAIT).until(() -> listener.messages.stream().anyMatch(m -> m instanceof Message.Draining));
        assertThat(listener.finished("last")).isEmpty(); // still running when draining began
        assertThat(w.exitCode(30)).isEqualTo(0);
        assertThat(listener.finished("last").orElseThrow().exitCode()).isZero();
    }

    @Test
    void stopKillsRunningRunsAndEndsTheWorker() throws Exception {
        RecordingListener listener = new RecordingListener();
        WorkerTransport t = transport(0, 1_000, listener);
        WorkerProcess w = worker(WorkerProcess.command(tokenFile, "127.0.0.1", t.port(), "stopped"), Map.of());
        await().atMost(WAIT).until(() -> listener.connections.containsKey("stopped"));
        listener.connection("stopped").send(new Message.StartRun("long", List.of("sleep", "300"), false, null, Map.of(),
                Map.of(), List.of()));
        await().atMost(WAIT).until(() -> listener.started("long").isPresent());
        listener.connection("stopped").send(new Message.Stop("test over"));
        assertThat(w.exitCode(30)).isEqualTo(0);
        assertThat(listener.finished("long").orElseThrow().terminated()).isTrue();
        long pid = listener.started("long").orElseThrow().pid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void badArgumentsExitTwoWithOneLineNamingTheOption() throws Exception {
        List<String> argv = new ArrayList<>(WorkerProcess.argv(WorkerProcess.command(tokenFile, "127.0.0.1", 1, "bad")));
        argv.addAll(List.of("--memory", "lots"));
        WorkerProcess w = worker(argv, Map.of());
        assertThat(w.exitCode(30)).isEqualTo(2);
        assertThat(w.log().strip()).startsWith("hpc-dask-worker: --memory: 'lots' is not a positive amount with a unit")
                .doesNotContain("\n");
    }

    static void signal(long pid, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start().waitFor();
    }

    private ListAppender<ILoggingEvent> captureLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(WorkerTransport.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        cleanup.add(() -> logger.detachAppender(appender));
        return appender;
    }
}
