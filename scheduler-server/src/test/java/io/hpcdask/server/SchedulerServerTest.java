package io.hpcdask.server;

import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.api.StageResult;
import io.hpcdask.server.loop.RecordingConnection;
import io.hpcdask.server.transport.WorkerListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerServerTest {
    @TempDir
    Path dir;

    static RunRequest request(String label, String... tags) {
        return new RunRequest(List.of("echo", label), false, "/tmp", Map.of("A", "1"), List.of(tags), label);
    }

    static ServerConfig config(Path dir, Map<String, Long> declared, long graceMillis) {
        return new ServerConfig(dir, declared, 50, graceMillis, graceMillis, 3, 50);
    }

    @Test
    void stagedRunsAreDispatchedUnderLimitsAndTellTheirStory() throws Exception {
        try (LogCapture log = new LogCapture(ch.qos.logback.classic.Level.DEBUG);
             SchedulerServer server = SchedulerServer.start(config(dir, Map.of("foo", 7L), 10_000))) {
            WorkerListener transport = server.workerListener();
            RecordingConnection w1 = new RecordingConnection("w1");
            transport.workerConnected(w1, hello("w1", 4, Map.of("foo", 7L), List.of()));
            assertThat(StatusWaits.awaitWorkers(server, 1, Duration.ofSeconds(10))).isTrue();

            StageResult staged = server.stage(List.of(request("a", "dask:foo=5"), request("b", "dask:foo=5"),
                    request("c", "dask:bar=1 baz=1", "dask:foo=1 qux"), request("d", "dask:foo=2")));
            assertThat(staged.ids()).containsExactly("1", "2", "3", "4");
            assertThat(staged.warnings()).containsExactly(
                    "Ignoring invalid dask resources spec 'qux': parts must be in format KEY=VAL");

            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 2);
            assertThat(w1.startedRunIds()).containsExactly("1", "4"); // 2 waits for foo; 4 backfills
            Message.StartRun start = w1.sentOf(Message.StartRun.class).get(0);
            assertThat(start.argv()).containsExactly("echo", "a");
            assertThat(start.env()).containsEntry("A", "1").containsEntry("HPC_DASK_RUN_ID", "1");
            assertThat(start.resources()).isEqualTo(Map.of("foo", 5L));

            transport.messageReceived(w1, new Message.RunStarted("1", 1234));
            transport.messageReceived(w1, new Message.RunOutput("1", "stdout", "hi\n".getBytes(StandardCharsets.UTF_8)));
            transport.messageReceived(w1, new Message.RunFinished("1", 0, false, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().contains("2"));
            assertThat(Files.readString(server.runLog("1"))).isEqualTo("hi\n");

            Map<String, RunView> runs = byId(server.runs(null));
            assertThat(runs.get("1").state()).isEqualTo("completed");
            assertThat(runs.get("1").exitCode()).isZero();
            assertThat(runs.get("1").worker()).isEqualTo("w1");
            assertThat(runs.get("2").state()).isEqualTo("running");
            assertThat(runs.get("3").state()).isEqualTo("staged");
            assertThat(runs.get("3").requires()).isEqualTo(Map.of("bar", 1L, "baz", 1L, "foo", 1L));
            assertThat(runs.get("3").waitReason()).isEqualTo("requires resources not defined for cluster: bar, baz");
            assertThat(server.runs("staged")).extracting(RunView::id).containsExactly("3");

            assertThat(server.cancel(List.of("2", "99"))).containsExactly("2");
            await().atMost(Duration.ofSeconds(10)).until(() -> !w1.sentOf(Message.CancelRun.class).isEmpty());
            transport.messageReceived(w1, new Message.RunFinished("2", 143, true, null));
            transport.messageReceived(w1, new Message.RunFinished("4", 3, false, null));
            assertThat(StatusWaits.awaitNothingToDo(server, Duration.ofSeconds(10))).isTrue();
            runs = byId(server.runs(null));
            assertThat(runs.get("2").state()).isEqualTo("terminated");
            assertThat(runs.get("4").state()).isEqualTo("error");
            assertThat(server.status()).isEqualTo(new ServerStatus(1, 1, 0, 3, true));

            server.close();
            assertThat(log.lines()).containsSubsequence("Starting scheduler", "Cluster resources: foo=7",
                    "Waiting for staged runs", "Processing staged runs", "Starting staged run 1 (requires foo=5) on worker w1",
                    "Run 1 completed", "Stopping scheduler");
            assertThat(log.lines()).contains(
                    "Ignoring invalid dask resources spec 'qux': parts must be in format KEY=VAL",
                    "Ignoring staged run 3 (requires resources not defined for cluster: bar, baz)",
                    "Run 4 exited with code 3", "Run 2 exited with code 143 (terminated)");
            assertThat(log.lines().stream().filter(l -> l.startsWith("Ignoring staged run 3"))).hasSize(1);
        }
    }

    @Test
    void atInfoARunThatCompletesWritesNoLineAndOneThatFailsDoes() throws Exception {
        try (LogCapture log = new LogCapture(ch.qos.logback.classic.Level.INFO);
             SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 10_000))) {
            WorkerListener transport = server.workerListener();
            RecordingConnection w1 = new RecordingConnection("w1");
            transport.workerConnected(w1, hello("w1", 2, Map.of(), List.of()));
            assertThat(StatusWaits.awaitWorkers(server, 1, Duration.ofSeconds(10))).isTrue();
            server.stage(List.of(request("ok"), request("bad")));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 2);
            transport.messageReceived(w1, new Message.RunFinished("1", 0, false, null));
            transport.messageReceived(w1, new Message.RunFinished("2", 3, false, null));
            assertThat(StatusWaits.awaitNothingToDo(server, Duration.ofSeconds(10))).isTrue();
            assertThat(byId(server.runs(null)).get("1").state()).isEqualTo("completed");

            assertThat(log.lines()).contains("Run 2 exited with code 3")
                    .noneMatch(l -> l.startsWith("Starting staged run") || l.equals("Run 1 completed"));
        }
    }

    @Test
    void badInputIsRefusedWithTheAcceptedForm() {
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 1_000))) {
            assertThatThrownBy(() -> server.runs("sleeping")).isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("staged, running, completed, error, terminated, lost");
            assertThatThrownBy(() -> server.runLog("../x")).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> server.stage(List.of(new RunRequest(List.of(), false, "/", Map.of(), List.of(),
                    null)))).isInstanceOf(InvalidValueException.class);
        }
    }

    @Test
    void restartKeepsStagedRunsAndTakesBackRunningOnes() throws Exception {
        try (SchedulerServer first = SchedulerServer.start(config(dir, Map.of(), 1_000))) {
            RecordingConnection w1 = new RecordingConnection("w1");
            first.workerListener().workerConnected(w1, hello("w1", 1, Map.of(), List.of()));
            first.stage(List.of(request("a"), request("b"), request("c")));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 1);
        }
        // with no server up, the database still answers
        assertThat(SchedulerServer.readRuns(dir, null)).extracting(r -> r.id() + ":" + r.state())
                .containsExactly("1:running", "2:staged", "3:staged");
        assertThat(SchedulerServer.readRuns(dir, "staged")).hasSize(2);
        try (SchedulerServer second = SchedulerServer.start(config(dir, Map.of(), 60_000))) {
            Map<String, RunView> runs = byId(second.runs(null));
            assertThat(runs.get("1").state()).isEqualTo("running");
            assertThat(runs.get("2").state()).isEqualTo("staged");
            assertThat(runs.get("3").state()).isEqualTo("staged");

            RecordingConnection back = new RecordingConnection("w1");
            second.workerListener().workerConnected(back, hello("w1", 1, Map.of(), List.of("1")));
            assertThat(StatusWaits.awaitWorkers(second, 1, Duration.ofSeconds(10))).isTrue();
            assertThat(second.status().running()).isEqualTo(1);
            assertThat(back.sent()).isEmpty(); // run 1 carries on; the one slot is taken
            second.workerListener().messageReceived(back, new Message.RunFinished("1", 0, false, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> back.startedRunIds().equals(List.of("2")));
            assertThat(second.stage(List.of(request("d"))).ids()).containsExactly("4");
        }
    }

    @Test
    void runsOfAWorkerThatDoesNotComeBackAreRestagedAfterTheGrace() throws Exception {
        try (SchedulerServer first = SchedulerServer.start(config(dir, Map.of(), 1_000))) {
            RecordingConnection w1 = new RecordingConnection("w1");
            first.workerListener().workerConnected(w1, hello("w1", 1, Map.of(), List.of()));
            first.stage(List.of(request("a")));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 1);
        }
        try (SchedulerServer second = SchedulerServer.start(config(dir, Map.of(), 300))) {
            RecordingConnection w2 = new RecordingConnection("w2");
            second.workerListener().workerConnected(w2, hello("w2", 1, Map.of(), List.of()));
            await().atMost(Duration.ofSeconds(10)).until(() -> w2.startedRunIds().equals(List.of("1")));
            RunView run = second.runs(null).get(0);
            assertThat(run.state()).isEqualTo("running");
            assertThat(run.worker()).isEqualTo("w2");
            assertThat(run.attempts()).isEqualTo(2);
        }
    }

    @Test
    void disconnectedWorkerLosesItsRunToAnotherAndStaleLinksAreIgnored() throws Exception {
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 200))) {
            WorkerListener transport = server.workerListener();
            RecordingConnection a = new RecordingConnection("a");
            transport.workerConnected(a, hello("a", 1, Map.of(), List.of()));
            server.stage(List.of(request("x")));
            await().atMost(Duration.ofSeconds(10)).until(() -> a.startedRunIds().size() == 1);

            // a re-registers on a new link while the old one lingers: the old link's events no longer count
            RecordingConnection a2 = new RecordingConnection("a");
            transport.workerConnected(a2, hello("a", 1, Map.of(), List.of("1")));
            transport.workerDisconnected(a, "old link timed out");
            transport.messageReceived(a, new Message.RunFinished("1", 0, false, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> a.closedBecause() != null);
            assertThat(server.status().running()).isEqualTo(1);
            assertThat(server.runs(null).get(0).state()).isEqualTo("running");

            RecordingConnection b = new RecordingConnection("b");
            transport.workerConnected(b, hello("b", 1, Map.of(), List.of()));
            transport.workerDisconnected(a2, "silent for 3 heartbeats");
            await().atMost(Duration.ofSeconds(10)).until(() -> b.startedRunIds().equals(List.of("1")));
            transport.messageReceived(b, new Message.RunFinished("1", 0, false, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.runs("completed").size() == 1);
            assertThat(server.workers()).extracting(w -> w.name() + ":" + w.state()).containsExactly("b:idle");
        }
    }

    private static Map<String, RunView> byId(List<RunView> runs) {
        Map<String, RunView> m = new java.util.LinkedHashMap<>();
        runs.forEach(r -> m.put(r.id(), r));
        return m;
    }
}
