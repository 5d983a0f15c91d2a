package io.hpcdask.server;

import static io.hpcdask.server.SchedulerServerTest.config;
import static io.hpcdask.server.SchedulerServerTest.request;
import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.loop.RecordingConnection;
import io.hpcdask.server.transport.WorkerListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, row 8, through the server: the run-log directory replaced by a file (root ignores permissions, so not a
 * chmod) fails the run that cannot get a log, frees its slot, and dispatch goes on; a cancel of a run that its worker
 * never got ends it.
 */
class RunLogFailureServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aRunWhoseLogCannotBeCreatedFailsAloneAndFreesItsSlot() throws Exception {
        try (LogCapture log = new LogCapture();
             SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 10_000))) {
            WorkerListener transport = server.workerListener();
            RecordingConnection w = new RecordingConnection("w");
            transport.workerConnected(w, hello("w", 1, Map.of(), List.of()));
            assertThat(StatusWaits.awaitWorkers(server, 1, WAIT)).isTrue();

            Path runs = dir.resolve(SchedulerServer.RUN_LOGS);
            Path saved = dir.resolve("runs.saved");
            Files.move(runs, saved);
            Files.writeString(runs, "not a directory");
            List<String> ids = server.stage(List.of(request("a"), request("b"))).ids();

            await().atMost(WAIT).until(() -> server.runs("error").size() == 2);
            for (RunView r : server.runs(null)) {
                assertThat(r.state()).isEqualTo("error");
                assertThat(r.exitCode()).isNull();
                assertThat(r.reason()).isEqualTo("cannot create the log of run " + r.id() + " (" + runs.resolve(
                        r.id() + ".log") + "): Not a directory");
            }
            assertThat(w.startedRunIds()).as("the worker never heard of them").isEmpty();
            assertThat(server.status().running()).isZero();

            Files.delete(runs);
            Files.move(saved, runs);
            Files.createDirectory(runs.resolve("4.log")); // only run 4's log is in the way now
            List<String> next = server.stage(List.of(request("c"), request("d"), request("e"))).ids();
            assertThat(next).containsExactly("3", "4", "5");
            await().atMost(WAIT).until(() -> w.startedRunIds().contains("3"));
            transport.messageReceived(w, new Message.RunFinished("3", 0, false, null));
            await().atMost(WAIT).until(() -> w.startedRunIds().contains("5")); // one slot: 4 gave it back
            transport.messageReceived(w, new Message.RunFinished("5", 0, false, null));
            await().atMost(WAIT).until(() -> server.status().nothingToDo());
            assertThat(server.runs(null)).extracting(RunView::id, RunView::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("1", "error"), org.assertj.core.groups.Tuple.tuple("2", "error"),
                    org.assertj.core.groups.Tuple.tuple("3", "completed"), org.assertj.core.groups.Tuple.tuple("4", "error"),
                    org.assertj.core.groups.Tuple.tuple("5", "completed"));
            assertThat(server.runs("error").get(2).reason()).endsWith("4.log): a directory is in the way");
            assertThat(w.startedRunIds()).containsExactly("3", "5");
            assertThat(log.lines()).contains("Run 1 failed: cannot create the log of run 1 (" + runs.resolve("1.log")
                    + "): Not a directory", "Run 1 ended in error");
            assertThat(log.lines()).noneMatch(l -> l.contains("Scheduler event failed"));
        }
    }

    @Test
    void cancelOfARunItsWorkerDoesNotHoldEndsIt() throws Exception {
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 10_000))) {
            WorkerListener transport = server.workerListener();
            RecordingConnection w = new RecordingConnection("w");
            transport.workerConnected(w, hello("w", 1, Map.of(), List.of()));
            assertThat(StatusWaits.awaitWorkers(server, 1, WAIT)).isTrue();
            server.stage(List.of(request("lost-on-the-way")));
            await().atMost(WAIT).until(() -> w.startedRunIds().contains("1")); // sent, and (say) never arrived

            assertThat(server.cancel(List.of("1"))).containsExactly("1");
            await().atMost(WAIT).until(() -> !w.sentOf(Message.CancelRun.class).isEmpty());
            // what a worker answers a cancel of a run it does not hold (WorkerRunsTest checks a real worker does)
            transport.messageReceived(w, new Message.RunFinished("1", -1, true, "not running on this worker"));
            await().atMost(WAIT).until(() -> server.runs("terminated").size() == 1);
            assertThat(server.status().running()).isZero();

            server.stage(List.of(request("next")));
            await().atMost(WAIT).until(() -> w.startedRunIds().contains("2"));
        }
    }
}
