package io.hpcdask.server;

import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.api.ApiException;
import io.hpcdask.server.api.RunIds;
import io.hpcdask.server.api.RunPage;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.api.RunsProgress;
import io.hpcdask.server.loop.RecordingConnection;
import io.hpcdask.server.transport.WorkerListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting clients are told by the scheduler's own events. A wait of an hour that completes proves that the event, not
 * the deadline, answered it; the class timeout only guards against a hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunWatchesServerTest {
    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    private static RunRequest request(String label) {
        return new RunRequest(List.of("echo", label), false, "/tmp", Map.of(), List.of(), label);
    }

    private static List<RunRequest> requests(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> request("r" + i)).toList();
    }

    private SchedulerServer start() {
        return SchedulerServer.start(SchedulerServerTest.config(dir, Map.of(), 10_000));
    }

    private static RecordingConnection worker(SchedulerServer server, String name, int slots) throws Exception {
        RecordingConnection w = new RecordingConnection(name);
        server.workerListener().workerConnected(w, hello(name, slots, Map.of(), List.of()));
        assertThat(StatusWaits.awaitWorkers(server, 1, Duration.ofSeconds(10))).isTrue();
        return w;
    }

    @Test
    void aWaitForRunsIsAnsweredWhenTheLastOneEndsWithHowEachEnded() throws Exception {
        try (SchedulerServer server = start()) {
            RecordingConnection w1 = worker(server, "w1", 4);
            WorkerListener transport = server.workerListener();
            List<String> ids = server.stage(requests(3)).ids();
            List<RunIds.Range> ranges = RunIds.decode(RunIds.encode(ids));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 3);

            CompletableFuture<RunsProgress> all = server.awaitRuns(ranges, HOUR);
            transport.messageReceived(w1, new Message.RunFinished("1", 0, false, null));
            transport.messageReceived(w1, new Message.RunFinished("2", 0, false, null));
            // two of three: the scheduler has not answered, and its state says so
            assertThat(server.awaitRuns(ranges, 0).get()).isEqualTo(new RunsProgress(3, 2, List.of()));
            assertThat(all).isNotDone();

            transport.messageReceived(w1, new Message.RunFinished("3", 7, false, null));
            RunsProgress done = all.get();
            assertThat(done.done()).isTrue();
            assertThat(done.outcomes()).containsExactlyInAnyOrder(new RunsProgress.Outcome("completed", 0, 2),
                    new RunsProgress.Outcome("error", 7, 1));
        }
    }

    @Test
    void aWaitForRunsThatDoNotEndIsAnsweredAtItsDeadlineWithHowManyEnded() throws Exception {
        try (SchedulerServer server = start()) { // no worker: nothing starts
            List<String> ids = server.stage(requests(2)).ids();
            RunsProgress p = server.awaitRuns(RunIds.decode(RunIds.encode(ids)), 50).get();
            assertThat(p).isEqualTo(new RunsProgress(2, 0, List.of()));
            assertThat(p.done()).isFalse();
        }
    }

    @Test
    void runsThatEndedBeforeTheWaitAnswerAtOnceAndUnknownIdsAreRefused() throws Exception {
        try (SchedulerServer server = start()) {
            RecordingConnection w1 = worker(server, "w1", 1);
            server.stage(requests(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 1);
            server.workerListener().messageReceived(w1, new Message.RunFinished("1", 3, false, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.run("1").state().equals("error"));

            RunsProgress p = server.awaitRuns(RunIds.decode("1"), HOUR).get();
            assertThat(p.outcomes()).containsExactly(new RunsProgress.Outcome("error", 3, 1));
            assertThatThrownBy(() -> server.awaitRuns(RunIds.decode("1-2"), HOUR)).isInstanceOf(ApiException.class)
                    .hasMessageContaining("no run with some of the ids 1 to 2")
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(404));
        }
    }

    @Test
    void aFollowerIsToldOfOutputAndOfTheEnd() throws Exception {
        try (SchedulerServer server = start()) {
            RecordingConnection w1 = worker(server, "w1", 1);
            WorkerListener transport = server.workerListener();
            server.stage(requests(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 1);

            CompletableFuture<Void> printed = server.awaitRunNews("1", 0, HOUR);
            assertThat(printed).isNotDone();
            transport.messageReceived(w1, new Message.RunOutput("1", "stdout", "hi\n".getBytes(StandardCharsets.UTF_8)));
            printed.get();

            assertThat(server.awaitRunNews("1", 0, HOUR)).as("output beyond the offset: at once").isDone();
            CompletableFuture<Void> ended = server.awaitRunNews("1", 3, HOUR);
            assertThat(ended).isNotDone();
            transport.messageReceived(w1, new Message.RunFinished("1", 0, false, null));
            ended.get();
            assertThat(server.run("1").state()).isEqualTo("completed");
            assertThat(server.awaitRunNews("1", 3, HOUR)).as("an ended run: at once").isDone();
            assertThatThrownBy(() -> server.awaitRunNews("9", 0, HOUR)).isInstanceOf(ApiException.class)
                    .hasMessageContaining("no run with id 9");
        }
    }

    @Test
    void aWaitForWorkersIsAnsweredWhenOneJoinsOrLeaves() throws Exception {
        try (SchedulerServer server = start()) {
            long before = server.awaitWorkers(0, 0).get();
            CompletableFuture<Long> joined = server.awaitWorkers(before, HOUR);
            assertThat(joined).isNotDone();
            RecordingConnection w1 = worker(server, "w1", 1);
            long afterJoin = joined.get();
            assertThat(afterJoin).isGreaterThan(before);

            CompletableFuture<Long> left = server.awaitWorkers(afterJoin, HOUR);
            server.workerListener().workerDisconnected(w1, "test");
            assertThat(left.get()).isGreaterThan(afterJoin);
        }
    }

    @Test
    void stoppingTheSchedulerAnswersEveryWaitWith503() throws Exception {
        SchedulerServer server = start();
        List<String> ids = server.stage(requests(2)).ids();
        CompletableFuture<RunsProgress> waiting = server.awaitRuns(RunIds.decode(RunIds.encode(ids)), HOUR);
        CompletableFuture<Long> workers = server.awaitWorkers(server.awaitWorkers(0, 0).get(), HOUR);
        server.close();
        for (CompletableFuture<?> f : List.of(waiting, workers)) {
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ApiException.class)
                    .hasMessageContaining("shutting down");
        }
    }

    @Test
    void aPageHoldsTheLatestRunsOfAStateAndCountsEveryState() throws Exception {
        try (SchedulerServer server = start()) {
            RecordingConnection w1 = worker(server, "w1", 2);
            server.stage(requests(6));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 2);
            server.workerListener().messageReceived(w1, new Message.RunFinished("1", 0, false, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 3);

            RunPage staged = server.runPage("staged", 2);
            assertThat(staged.runs()).extracting(RunView::id).containsExactly("5", "6");
            assertThat(staged.matching()).isEqualTo(3);
            assertThat(staged.runs()).allSatisfy(r -> assertThat(r.waitReason()).isNotNull());
            assertThat(staged.counts()).isEqualTo(Map.of("completed", 1L, "running", 2L, "staged", 3L));
            RunPage all = server.runPage(null, 0);
            assertThat(all.runs()).extracting(RunView::id).containsExactly("1", "2", "3", "4", "5", "6");
            assertThat(all.runs()).isEqualTo(server.runs(null));
            assertThat(server.runPage(null, 1).runs()).extracting(RunView::id).containsExactly("6");
        }
    }
}
