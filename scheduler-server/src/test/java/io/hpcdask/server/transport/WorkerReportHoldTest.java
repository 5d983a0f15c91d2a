package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real worker JVM of one slot, and its spawn helper (the C one, and the perl one), hold the reports of runs whose
 * place a run sent ahead took at once ({@link io.hpcdask.protocol.ReportHold}): a string of short runs reaches the
 * scheduler in a few reads, not one per run, while no report waits for a later run's end.
 */
class WorkerReportHoldTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    /** The messages of each read from the worker, in order. */
    private final List<List<Message>> reads = new CopyOnWriteArrayList<>();
    private final RecordingListener listener = new RecordingListener() {
        @Override
        public void messagesReceived(WorkerConnection connection, List<Message> messages) {
            reads.add(List.copyOf(messages));
            super.messagesReceived(connection, messages);
        }
    };
    private WorkerTransport transport;
    private WorkerProcess worker;
    private WorkerConnection link;

    private void startWorker(String spawnWay) throws Exception {
        startWorker(spawnWay, Map.of());
    }

    private void startWorker(String spawnWay, Map<String, String> env) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "hold-token\n");
        transport = new WorkerTransport("127.0.0.1", 0, "hold-token".getBytes(StandardCharsets.UTF_8), 1_000, listener)
                .start();
        worker = WorkerProcess.start(WorkerProcess.command(token, "127.0.0.1", transport.port(), "hold").slots(1), dir,
                with(env, "HPC_DASK_WORKER_SPAWN", spawnWay));
        await().atMost(WAIT).until(() -> listener.connections.containsKey("hold"));
        link = listener.connection("hold");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(name, value);
        return all;
    }

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    private void start(String id, String... argv) {
        link.send(new Message.StartRun(id, List.of(argv), false, null, Map.of(), Map.of(), List.of(), 1));
    }

    /** The index of the read that brought {@code runId}'s end, or -1. */
    private int readOfEnd(String runId) {
        for (int i = 0; i < reads.size(); i++) {
            for (Message m : reads.get(i)) {
                if (m instanceof Message.RunFinished f && f.runId().equals(runId)) {
                    return i;
                }
            }
        }
        return -1;
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "perl"})
    void shortRunsStartedInEachOthersPlaceAreReportedSeveralToARead(String spawnWay) throws Exception {
        startWorker(spawnWay);
        int runs = 16; // as many as wait chained behind one run: each starts in the place of the one before
        start("first", "sleep", "0.5");
        for (int i = 0; i < runs; i++) {
            start("r" + i, "true");
        }
        await().atMost(WAIT).until(() -> listener.finished("r" + (runs - 1)).isPresent());
        long readsWithEnds = reads.stream()
                .filter(read -> read.stream().anyMatch(m -> m instanceof Message.RunFinished))
                .count();
        for (int i = 0; i < runs; i++) {
            assertThat(listener.finished("r" + i)).as("r" + i).hasValueSatisfying(f -> assertThat(f.exitCode()).isZero());
        }
        assertThat(readsWithEnds).as("the ends of %d short runs came in fewer reads than half their number", runs + 1)
                .isLessThan((runs + 1) / 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "perl"})
    void anEndIsNotHeldUntilTheRunThatTookItsPlaceEnds(String spawnWay) throws Exception {
        startWorker(spawnWay);
        start("short", "sleep", "0.3");
        start("long", "sleep", "5"); // chained: starts in short's place, so short's end may be held, but not for long
        await().atMost(WAIT).until(() -> listener.finished("short").isPresent());
        assertThat(listener.started("long")).as("long started in short's place").isPresent();
        assertThat(listener.finished("long")).as("short's end came while long still ran").isEmpty();
        await().atMost(WAIT).until(() -> listener.finished("long").isPresent());
        assertThat(readOfEnd("short")).isLessThan(readOfEnd("long"));
    }

    /**
     * A batch system ends a worker's job with SIGTERM while its helper holds the end of a run that a chained run took
     * the place of: that end reaches the scheduler before the link closes, so the run is not run again. The hold is
     * lengthened here (2 minutes, not 20 ms) so that the SIGTERM surely finds it held.
     */
    @ParameterizedTest
    @ValueSource(strings = {"native", "perl"})
    void aWorkerEndedBySigtermSendsTheEndsItsHelperHeldBeforeItsLinkCloses(String spawnWay) throws Exception {
        startWorker(spawnWay, Map.of("JAVA_TOOL_OPTIONS", "-Dhpcdask.worker.reportHoldMillis=120000"));
        // a second for chained to reach the helper behind it, even from a worker JVM that has just started
        start("ended", "sleep", "1");
        start("chained", "sleep", "60"); // starts in ended's place: ended's end (and chained's start) are held
        await().atMost(WAIT).until(() -> listener.started("ended").isPresent());
        Thread.sleep(3_000);
        assertThat(listener.finished("ended")).as("ended's end is held").isEmpty();
        ProcessHandle.of(worker.pid()).orElseThrow().destroy(); // SIGTERM, as a batch system ends a job
        assertThat(worker.exitCode(30)).as("the worker went down on SIGTERM").isNotNull();
        // what it wrote before it exited is read here a moment later
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.finished("ended").isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("ended's end never came; the worker's log:\n" + worker.log(), e);
        }
        assertThat(listener.finished("ended")).as("ended's end, sent before the link closed")
                .hasValueSatisfying(f -> assertThat(f.exitCode()).isZero());
        assertThat(listener.started("chained")).as("chained's start, held with it").isPresent();
    }
}
