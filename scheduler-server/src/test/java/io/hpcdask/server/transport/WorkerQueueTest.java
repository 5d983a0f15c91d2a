package io.hpcdask.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.Resources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts sent ahead of a real worker JVM's free capacity (the scheduler's runs sent ahead): the worker queues them,
 * starts each the moment its slot and amounts free, never beyond what it offers, drops a cancelled one unstarted and
 * gives its queue back when it drains.
 */
class WorkerQueueTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final RecordingListener listener = new RecordingListener();
    private WorkerTransport transport;
    private WorkerProcess worker;
    private WorkerConnection link;

    /** One core, two slots, one {@code lic}: slots, cores and named amounts each can be what is short. */
    @BeforeEach
    void startWorker() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "queue-token\n");
        transport = new WorkerTransport("127.0.0.1", 0, "queue-token".getBytes(StandardCharsets.UTF_8), 1_000, listener)
                .start();
        worker = WorkerProcess.start(WorkerProcess.command(token, "127.0.0.1", transport.port(), "queue")
                .cores(1).slots(2).resources(Resources.parse("lic=1")), dir, Map.of());
        await().atMost(WAIT).until(() -> listener.connections.containsKey("queue"));
        link = listener.connection("queue");
    }

    @AfterEach
    void stop() throws Exception {
        worker.close();
        transport.close();
    }

    private void start(String id, Map<String, Long> resources, String... argv) {
        link.send(new Message.StartRun(id, List.of(argv), false, null, Map.of(), resources, List.of(), 1));
    }

    private int indexOf(Class<? extends Message> type, String runId) {
        for (int i = 0; i < listener.messages.size(); i++) {
            Message m = listener.messages.get(i);
            if (type.isInstance(m) && (m instanceof Message.RunStarted s && s.runId().equals(runId)
                    || m instanceof Message.RunFinished f && f.runId().equals(runId)
                    || m instanceof Message.RunReturned r && r.runId().equals(runId))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aStartThatDoesNotFitWaitsForTheAmountItNeedsAndStartsWhenItFrees() {
        start("a", Map.of("lic", 1L), "sleep", "1");
        start("b", Map.of("lic", 1L), "true");
        start("c", Map.of(), "true"); // a slot and the core are free: it does not wait behind b
        await().atMost(WAIT).until(() -> listener.finished("b").isPresent() && listener.finished("c").isPresent());
        assertThat(indexOf(Message.RunStarted.class, "b")).as("b starts only after a's end was reported")
                .isGreaterThan(indexOf(Message.RunFinished.class, "a"));
        assertThat(indexOf(Message.RunFinished.class, "c")).isLessThan(indexOf(Message.RunFinished.class, "a"));
        assertThat(listener.finished("b").orElseThrow().exitCode()).isZero();
    }

    @Test
    void coresAreKeptToAsTheSchedulerCountsThem() {
        start("a", Map.of("cores", 1L), "sleep", "1");
        start("b", Map.of("cores", 1L), "true");
        await().atMost(WAIT).until(() -> listener.finished("b").isPresent());
        assertThat(indexOf(Message.RunStarted.class, "b")).isGreaterThan(indexOf(Message.RunFinished.class, "a"));
    }

    @Test
    void aCancelledQueuedRunIsDroppedAndNeverStarts() {
        start("a", Map.of("lic", 1L), "sleep", "2");
        start("b", Map.of("lic", 1L), "true");
        link.send(new Message.CancelRun("b", 1));
        await().atMost(WAIT).until(() -> listener.finished("b").isPresent());
        Message.RunFinished b = listener.finished("b").orElseThrow();
        assertThat(b.terminated()).isTrue();
        assertThat(b.error()).isEqualTo("not running on this worker");
        await().atMost(WAIT).until(() -> listener.finished("a").isPresent());
        assertThat(listener.started("b")).isEmpty();
    }

    @Test
    void drainingGivesBackWhatHasNotStarted() throws Exception {
        start("a", Map.of("lic", 1L), "sleep", "2");
        start("b", Map.of("lic", 1L), "true");
        await().atMost(WAIT).until(() -> listener.started("a").isPresent());
        link.send(new Message.Drain("test"));
        await().atMost(WAIT).until(() -> indexOf(Message.RunReturned.class, "b") >= 0);
        assertThat(listener.messages).contains(new Message.RunReturned("b", 1));
        await().atMost(WAIT).until(() -> listener.finished("a").isPresent());
        assertThat(worker.exitCode(30)).isZero();
        assertThat(listener.started("b")).isEmpty();
        assertThat(listener.finished("b")).isEmpty();
    }

    @Test
    void aRunWaitingBehindOneThatCannotExecStartsAllTheSame() {
        start("bad", Map.of("lic", 1L), "no-such-program-in-any-path");
        start("next", Map.of("lic", 1L), "true");
        start("last", Map.of("lic", 1L), "true");
        await().atMost(WAIT).until(() -> listener.finished("last").isPresent());
        assertThat(listener.finished("bad").orElseThrow().exitCode()).isEqualTo(127);
        assertThat(listener.started("bad")).isEmpty();
        assertThat(listener.finished("next").orElseThrow().exitCode()).isZero();
        assertThat(listener.finished("last").orElseThrow().exitCode()).isZero();
    }

    @Test
    void aCancelRacingTheStartOfAWaitingRunIsEitherAnsweredUnstartedOrKillsIt() {
        // each b waits behind a run ending at once: the cancel meets it before or after it started, never both
        for (int i = 0; i < 20; i++) {
            String a = "ra" + i;
            String b = "rb" + i;
            start(a, Map.of("lic", 1L), "true");
            start(b, Map.of("lic", 1L), "sleep", "30");
            link.send(new Message.CancelRun(b, 1));
            await().atMost(WAIT).until(() -> listener.finished(b).isPresent());
            Message.RunFinished done = listener.finished(b).orElseThrow();
            assertThat(done.terminated()).isTrue();
            if ("not running on this worker".equals(done.error())) {
                assertThat(indexOf(Message.RunStarted.class, b)).as(b + " started after its cancel was answered")
                        .isLessThan(0);
            } else {
                assertThat(listener.started(b)).as(b).isPresent();
                assertThat(done.exitCode()).isEqualTo(128 + 15);
            }
        }
    }

    @Test
    void drainingWithRunsWaitingInAChainGivesThemAllBackAndStartsNone() throws Exception {
        start("a", Map.of("lic", 1L), "sleep", "2");
        start("b", Map.of("lic", 1L), "true");
        start("c", Map.of("lic", 1L), "true");
        start("d", Map.of("lic", 1L), "true");
        await().atMost(WAIT).until(() -> listener.started("a").isPresent());
        link.send(new Message.Drain("test"));
        await().atMost(WAIT).until(() -> indexOf(Message.RunReturned.class, "b") >= 0
                && indexOf(Message.RunReturned.class, "c") >= 0 && indexOf(Message.RunReturned.class, "d") >= 0);
        await().atMost(WAIT).until(() -> listener.finished("a").isPresent());
        assertThat(worker.exitCode(30)).isZero();
        for (String id : List.of("b", "c", "d")) {
            assertThat(listener.started(id)).as(id).isEmpty();
            assertThat(listener.finished(id)).as(id).isEmpty();
        }
    }

    @Test
    void aKilledSpawnHelperLeavesNoWaitingRunLostTheyStartThroughANewOne() throws Exception {
        start("a", Map.of("lic", 1L), "sleep", "30");
        start("b", Map.of("lic", 1L), "true");
        await().atMost(WAIT).until(() -> listener.started("a").isPresent());
        long helper = ProcessHandle.of(worker.pid()).orElseThrow().children()
                .filter(p -> p.info().command().orElse("").matches(".*(perl|spawn-helper).*")) // either helper
                .findFirst().orElseThrow().pid();
        ProcessHandle.of(helper).orElseThrow().destroyForcibly();
        await().atMost(WAIT).until(() -> listener.finished("b").isPresent());
        Message.RunFinished a = listener.finished("a").orElseThrow();
        assertThat(a.abandoned()).as("a run of a dead helper is re-staged").isTrue();
        assertThat(listener.finished("b").orElseThrow().exitCode()).isZero();
        assertThat(indexOf(Message.RunStarted.class, "b")).isGreaterThan(indexOf(Message.RunFinished.class, "a"));
    }

    @Test
    void noRunWaitsBehindALongOneWhileASlotIsFree() {
        start("long", Map.of(), "sleep", "30");
        start("short", Map.of(), "sleep", "0.5");
        start("c", Map.of(), "true"); // behind one of the two, maybe the long one
        start("d", Map.of(), "true");
        await().atMost(WAIT).until(() -> listener.finished("c").isPresent() && listener.finished("d").isPresent());
        assertThat(listener.finished("long")).as("c and d did not wait for the long run").isEmpty();
        link.send(new Message.CancelRun("long", 1));
        await().atMost(WAIT).until(() -> listener.finished("long").isPresent());
    }

    @Test
    void aStartThatCanNeverFitHereFailsWithTheReason() {
        start("big", Map.of("cores", 4L), "true");
        await().atMost(WAIT).until(() -> listener.finished("big").isPresent());
        assertThat(listener.finished("big").orElseThrow().error()).isEqualTo("needs cores=4 but this worker offers 1");
        assertThat(listener.started("big")).isEmpty();
    }
}
