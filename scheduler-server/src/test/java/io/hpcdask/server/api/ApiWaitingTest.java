package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Waiting requests over HTTP: held without threads, answered when the service completes them, bounded in number. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiWaitingTest {
    private static final String TOKEN = "s3cret-token-0123456789";
    private static final Duration LONG = Duration.ofMillis(ApiPaths.MAX_WAIT_MILLIS);

    @TempDir
    Path dir;

    private final ExecutorService clients = Executors.newCachedThreadPool();
    private ApiServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        clients.shutdownNow();
    }

    private SchedulerClient start(WaitableService service, int maxWaiting) throws Exception {
        ClusterControl control = new ClusterControl() {
            @Override
            public ClusterStatus status() {
                return new ClusterStatus("t", "127.0.0.1", server.port(), 1, 1, 1, 0, Map.of(), "", 0, false, "", "", null);
            }

            @Override
            public void shutdown() {
            }
        };
        server = new ApiServer(service, control, TOKEN.getBytes(StandardCharsets.UTF_8), 0, maxWaiting);
        server.start();
        return new SchedulerClient("127.0.0.1", server.port(), TOKEN);
    }

    @Test
    void manyWaitingRequestsLeaveTheApiAnsweringAndAreAnsweredWhenTheirRunsEnd() throws Exception {
        WaitableService service = new WaitableService();
        SchedulerClient client = start(service, ApiServer.MAX_WAITING);
        int n = 16; // four times the API's threads
        List<Future<RunsProgress>> waits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            waits.add(clients.submit(() -> client.waitForRuns(List.of("1", "2", "3", "5"), LONG)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> server.waitingCount() == n);
        assertThat(service.asked).allSatisfy(ranges -> assertThat(ranges).containsExactly(
                new RunIds.Range(1, 3), new RunIds.Range(5, 5)));

        assertThat(client.workers()).extracting(WorkerView::name).containsExactly("w1");
        assertThat(client.status().name()).isEqualTo("t");

        RunsProgress done = new RunsProgress(4, 4, List.of(new RunsProgress.Outcome("completed", 0, 4)));
        service.pending.forEach(f -> f.complete(done));
        for (Future<RunsProgress> w : waits) {
            assertThat(w.get()).isEqualTo(done);
        }
        assertThat(server.waitingCount()).isZero();
    }

    @Test
    void aWaitBeyondTheBoundIsRefusedWith503AndWaitersOfAStoppedServerHearNothingAnswers() throws Exception {
        WaitableService service = new WaitableService();
        SchedulerClient client = start(service, 2);
        Future<RunsProgress> first = clients.submit(() -> client.waitForRuns(List.of("1"), LONG));
        Future<RunsProgress> second = clients.submit(() -> client.waitForRuns(List.of("2"), LONG));
        await().atMost(Duration.ofSeconds(60)).until(() -> server.waitingCount() == 2);

        assertThatThrownBy(() -> client.waitForRuns(List.of("3"), LONG)).isInstanceOf(ApiException.class)
                .hasMessageContaining("too many requests are waiting (2)")
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(503));
        assertThat(client.runs(null)).isEmpty(); // other calls still answer

        // the stopping server answers its waits with 503; asked again, nothing answers any more, as a poll would find
        server.close();
        for (Future<RunsProgress> f : List.of(first, second)) {
            assertThatThrownBy(f::get).cause().isInstanceOf(ApiUnreachableException.class)
                    .hasMessageContaining("nothing answers at").hasCauseInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aClientWaitingWhenTheSchedulerDiesIsToldNothingAnswersAsAnyCallWouldBe() throws Exception {
        // a scheduler killed mid-wait: its connection drops, then nothing listens on its port
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int port = listener.getLocalPort();
        SchedulerClient client = new SchedulerClient("127.0.0.1", port, TOKEN);
        Future<RunsProgress> waiting = clients.submit(() -> client.waitForRuns(List.of("1"), LONG));
        try (Socket accepted = listener.accept()) {
            InputStream in = accepted.getInputStream();
            in.read(new byte[4096]); // the request arrived
            listener.close();
        }
        assertThatThrownBy(waiting::get).cause().isInstanceOf(ApiUnreachableException.class)
                .hasMessageContaining("nothing answers at http://127.0.0.1:" + port)
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void aFollowerGetsTheRunAndItsLogOnceTheServiceSaysThereIsNews() throws Exception {
        WaitableService service = new WaitableService(dir);
        SchedulerClient client = start(service, ApiServer.MAX_WAITING);
        java.nio.file.Files.writeString(dir.resolve("1.log"), "hello\nworld\n");
        Future<RunFollow> follow = clients.submit(() -> client.followRun("1", 6, LONG));
        await().atMost(Duration.ofSeconds(60)).until(() -> server.waitingCount() == 1);
        assertThat(service.followed).containsExactly("1@6");

        service.news.forEach(f -> f.complete(null));
        RunFollow f = follow.get();
        assertThat(f.run().id()).isEqualTo("1");
        assertThat(f.chunk().offset()).isEqualTo(6);
        assertThat(new String(f.chunk().data(), StandardCharsets.UTF_8)).isEqualTo("world\n");
        assertThat(f.chunk().nextOffset()).isEqualTo(f.chunk().size());
    }

    @Test
    void aScaleWaitIsAnsweredWithTheVersionAndTheScalingViewThen() throws Exception {
        WaitableService service = new WaitableService();
        SchedulerClient client = start(service, ApiServer.MAX_WAITING);
        Future<ScalingWait> w = clients.submit(() -> client.waitForScaling(7, LONG));
        await().atMost(Duration.ofSeconds(60)).until(() -> server.waitingCount() == 1);
        service.workers.forEach(f -> f.complete(8L));
        ScalingWait answer = w.get();
        assertThat(answer.version()).isEqualTo(8);
        assertThat(answer.view().system()).isEqualTo("local");
    }

    /** Waits that complete when the test completes them. */
    private static final class WaitableService implements SchedulerService {
        final List<CompletableFuture<RunsProgress>> pending = new CopyOnWriteArrayList<>();
        final List<List<RunIds.Range>> asked = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> news = new CopyOnWriteArrayList<>();
        final List<String> followed = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Long>> workers = new CopyOnWriteArrayList<>();
        private final Path logs;

        WaitableService(Path logs) {
            this.logs = logs;
        }

        WaitableService() {
            this(null);
        }

        @Override
        public CompletableFuture<Void> awaitRunNews(String id, long offset, long waitMillis) {
            followed.add(id + "@" + offset);
            CompletableFuture<Void> f = new CompletableFuture<>();
            news.add(f);
            return f;
        }

        @Override
        public CompletableFuture<Long> awaitWorkers(long seen, long waitMillis) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            workers.add(f);
            return f;
        }

        @Override
        public RunView run(String id) {
            return new RunView(id, null, "running", List.of("echo"), Map.of(), "w1", 1L, 2L, null, null, 1, null, null);
        }

        @Override
        public CompletableFuture<RunsProgress> awaitRuns(List<RunIds.Range> ranges, long waitMillis) {
            asked.add(ranges);
            CompletableFuture<RunsProgress> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        @Override
        public StageResult stage(List<RunRequest> runs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<RunView> runs(String state) {
            return List.of();
        }

        @Override
        public List<WorkerView> workers() {
            return List.of(new WorkerView("w1", "h", null, null, Map.of(), Map.of(), 1, 0, "idle", null));
        }

        @Override
        public List<String> cancel(List<String> runIds) {
            return List.of();
        }

        @Override
        public Path runLog(String runId) {
            return logs == null ? null : logs.resolve(runId + ".log");
        }
    }
}
