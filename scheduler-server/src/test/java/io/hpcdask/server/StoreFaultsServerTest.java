package io.hpcdask.server;

import static io.hpcdask.server.SchedulerServerTest.config;
import static io.hpcdask.server.SchedulerServerTest.request;
import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.ApiServer;
import io.hpcdask.server.api.ApiUnreachableException;
import io.hpcdask.server.api.NoControl;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.api.SchedulerClient;
import io.hpcdask.server.api.StageResult;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.loop.RecordingConnection;
import io.hpcdask.server.store.RunStore;
import io.hpcdask.server.store.StoredRun;
import io.hpcdask.server.transport.WorkerListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, rows 7 and 12, on the scheduler server: the run database's write lock held by another connection for 15 s
 * while a run ends (the state change is retried, never dropped; submissions are refused with 503 meanwhile); and a
 * submission repeated under its request id (over HTTP, after the client's timeout) staging once with the same ids.
 */
class StoreFaultsServerTest {
    private static final Duration LONG = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aRunEndingWhileAnotherConnectionHoldsTheLockIsRecordedCompletedOnceTheLockGoes() throws Exception {
        Path db = SchedulerServer.databaseFile(dir);
        try (LogCapture log = new LogCapture();
             SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 10_000))) {
            WorkerListener transport = server.workerListener();
            RecordingConnection w1 = new RecordingConnection("w1");
            transport.workerConnected(w1, hello("w1", 2, Map.of(), List.of()));
            assertThat(StatusWaits.awaitWorkers(server, 1, Duration.ofSeconds(10))).isTrue();
            String id = server.stage(List.of(request("a"))).ids().get(0);
            await().atMost(LONG).until(() -> w1.startedRunIds().contains(id));
            transport.messageReceived(w1, new Message.RunStarted(id, 1234));
            transport.messageReceived(w1, new Message.RunOutput(id, "stdout", "out\n".getBytes(StandardCharsets.UTF_8)));
            await().atMost(LONG).until(() -> byId(server.runs(null)).get(id).state().equals("running"));

            try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement s = holder.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("BEGIN IMMEDIATE"); // the write lock, held for 15 s
                long heldSince = System.nanoTime();
                transport.messageReceived(w1, new Message.RunFinished(id, 0, false, null));

                // the commit waits out the busy timeout (10 s), fails, is logged, and the change waits to be retried
                await().atMost(LONG).until(() -> server.degraded() != null);
                assertThat(server.degraded()).startsWith("degraded: store unavailable: ").contains("locked");
                assertThat(log.lines()).anyMatch(l -> l.contains("a commit of 1 state change(s) failed")
                        && l.contains("locked"));
                assertThatThrownBy(() -> server.stage(List.of(request("refused"))))
                        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503))
                        .hasMessageStartingWith("degraded: store unavailable: ");
                // shown as it is, though not on disk yet
                assertThat(byId(server.runs(null)).get(id).state()).isEqualTo("completed");
                assertThat(RunStore.read(db, null)).extracting(StoredRun::state).containsExactly(RunState.RUNNING);

                long left = 15_000 - (System.nanoTime() - heldSince) / 1_000_000;
                if (left > 0) {
                    Thread.sleep(left);
                }
                s.execute("ROLLBACK");
            }

            await().atMost(LONG).until(() -> server.degraded() == null);
            server.runs(null); // flushes
            StoredRun done = RunStore.read(db, null).get(0);
            assertThat(done.state()).isEqualTo(RunState.COMPLETED);
            assertThat(done.exitCode()).isZero();
            assertThat(log.lines()).anyMatch(l -> l.contains("works again"));
            // nothing of the refused submission was stored: the next run gets the next id and is dispatched
            StageResult next = server.stage(List.of(request("b")));
            assertThat(next.ids()).containsExactly("2");
            await().atMost(LONG).until(() -> w1.startedRunIds().contains("2"));
            assertThat(w1.startedRunIds()).containsExactly(id, "2"); // run 1 never started again
            assertThat(server.status().finished()).isEqualTo(1);
        }
    }

    @Test
    void aRepeatedRequestIdReturnsTheSameRunsAndStagesOnceEvenAfterARestart() throws Exception {
        List<RunRequest> two = List.of(request("a"), request("b"));
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 10_000))) {
            RecordingConnection w1 = new RecordingConnection("w1");
            server.workerListener().workerConnected(w1, hello("w1", 8, Map.of(), List.of()));
            assertThat(StatusWaits.awaitWorkers(server, 1, Duration.ofSeconds(10))).isTrue();
            StageResult first = server.stage("req-1", two);
            assertThat(first.ids()).containsExactly("1", "2");
            assertThat(server.stage("req-1", two).ids()).isEqualTo(first.ids());
            assertThatThrownBy(() -> server.stage("req-1", List.of(request("c"))))
                    .isInstanceOf(InvalidValueException.class).hasMessageContaining("already used to stage 2 run(s)");
            assertThat(server.stage("req-2", List.of(request("c"))).ids()).containsExactly("3");
            assertThat(server.stage(null, List.of(request("d"))).ids()).containsExactly("4");
            await().atMost(LONG).until(() -> w1.startedRunIds().size() == 4);
            assertThat(server.stage("req-1", two).ids()).isEqualTo(first.ids());
            assertThat(w1.startedRunIds()).containsExactly("1", "2", "3", "4");
        }
        try (SchedulerServer again = SchedulerServer.start(config(dir, Map.of(), 300))) {
            assertThat(again.stage("req-1", two).ids()).containsExactly("1", "2");
            assertThat(again.runs(null)).hasSize(4);
        }
    }

    @Test
    void aSubmissionResentAfterTheClientsTimeoutIsStagedOnce() throws Exception {
        Path db = SchedulerServer.databaseFile(dir);
        try (SchedulerServer server = SchedulerServer.start(config(dir, Map.of(), 10_000));
             ApiServer api = new ApiServer(server, new NoControl(), "tok".getBytes(StandardCharsets.UTF_8), 0)) {
            api.start();
            SchedulerClient client = new SchedulerClient("127.0.0.1", api.port(), "tok", Duration.ofSeconds(1));
            List<ApiUnreachableException> lost = new CopyOnWriteArrayList<>();
            StageResult result;
            try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement s = holder.createStatement()) {
                s.execute("BEGIN IMMEDIATE"); // the store cannot commit for 4 s: the first answer comes too late
                Thread release = new Thread(() -> {
                    try {
                        Thread.sleep(4_000);
                        s.execute("ROLLBACK");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                release.start();
                try {
                    result = client.stageRetrying("req-7", List.of(request("a"), request("b")), 30,
                            Duration.ofMillis(200), lost::add);
                } finally {
                    release.join();
                }
            }
            assertThat(lost).isNotEmpty().allSatisfy(e -> assertThat(e).hasMessageContaining("did not answer"));
            assertThat(result.ids()).containsExactly("1", "2");
            assertThat(server.runs(null)).extracting(RunView::id).containsExactly("1", "2");
            assertThat(server.degraded()).isNull();
        }
    }

    private static Map<String, RunView> byId(List<RunView> runs) {
        return runs.stream().collect(Collectors.toMap(RunView::id, Function.identity()));
    }
}
