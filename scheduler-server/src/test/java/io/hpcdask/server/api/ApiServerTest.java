package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiServerTest {
    private static final String TOKEN = "s3cret-token-0123456789";

    @TempDir
    Path dir;

    private RecordingService service;
    private ApiServer server;
    private final AtomicInteger shutdowns = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        service = new RecordingService(dir);
        ClusterControl control = new ClusterControl() {
            @Override
            public ClusterStatus status() {
                return new ClusterStatus("t", "127.0.0.1", server.port(), 4567, 42, 1000, 2, Map.of("staged", 3L), "foo=7", 0, false,
                        "127.0.0.1:4567", "localhost", null);
            }

            @Override
            public void shutdown() {
                shutdowns.incrementAndGet();
            }
        };
        server = new ApiServer(service, control, TOKEN.getBytes(StandardCharsets.UTF_8), 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void refusesRequestWithoutToken() throws Exception {
        HttpResponse<String> r = raw(HttpRequest.newBuilder(uri("/api/runs")).GET());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("missing or wrong cluster token");
        assertThat(service.calls).isEmpty();
    }

    @Test
    void refusesRequestWithWrongToken() throws Exception {
        HttpResponse<String> r = raw(HttpRequest.newBuilder(uri("/api/runs"))
                .header("Authorization", "Bearer " + TOKEN + "x")
                .POST(HttpRequest.BodyPublishers.ofString("[]")));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(service.calls).isEmpty();
    }

    @Test
    void refusesShutdownWithWrongTokenThroughTheClient() {
        SchedulerClient wrong = new SchedulerClient("127.0.0.1", server.port(), "not-the-token");
        assertThatThrownBy(wrong::shutdown).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(401));
        assertThat(shutdowns).hasValue(0);
    }

    @Test
    void acceptsRequestWithTokenAndStagesManyRunsInOneRequest() {
        SchedulerClient client = new SchedulerClient("127.0.0.1", server.port(), TOKEN);
        List<RunRequest> runs = new ArrayList<>();
        for (int i = 1; i <= 10_000; i++) {
            runs.add(new RunRequest(List.of("true"), false, "/tmp", Map.of("HPC_DASK_ARRAY_INDEX", "" + i),
                    List.of("dask:foo=1"), "r" + i));
        }
        StageResult result = client.stage(runs);
        assertThat(result.ids()).hasSize(10_000);
        assertThat(result.warnings()).containsExactly("a warning");
        assertThat(service.calls).containsExactly("stage:10000");
        assertThat(service.staged.get(9_999).env()).containsEntry("HPC_DASK_ARRAY_INDEX", "10000");
    }

    @Test
    void aSubmissionOverTheBodyLimitIsStagedInBatchesInOrder() {
        SchedulerClient client = new SchedulerClient("127.0.0.1", server.port(), TOKEN);
        String big = "x".repeat(1_000);
        List<RunRequest> runs = new ArrayList<>();
        for (int i = 1; i <= 20_000; i++) { // about 20 MB of JSON
            runs.add(new RunRequest(List.of("echo", big), false, null, Map.of(), List.of(), "r" + i));
        }
        StageResult result = client.stage(runs);
        assertThat(result.ids()).hasSize(20_000).doesNotHaveDuplicates();
        assertThat(result.warnings()).containsExactly("a warning");
        assertThat(service.calls.size()).isGreaterThan(2);
        assertThat(service.staged).extracting(RunRequest::label).containsExactlyElementsOf(
                runs.stream().map(RunRequest::label).toList());
    }

    @Test
    void servesRunsWorkersCancelStatusAndShutdown() {
        SchedulerClient client = new SchedulerClient("127.0.0.1", server.port(), TOKEN);
        client.stage(List.of(new RunRequest(List.of("echo", "hi"), false, null, Map.of(), List.of(), null)));
        assertThat(client.runs(null)).extracting(RunView::id).containsExactly("1");
        assertThat(client.runs("running")).isEmpty();
        assertThat(client.run("1").argv()).containsExactly("echo", "hi");
        assertThatThrownBy(() -> client.run("nope")).isInstanceOf(ApiException.class).hasMessageContaining("no run with id nope");
        assertThat(client.workers()).extracting(WorkerView::name).containsExactly("w1");
        assertThat(client.cancel(List.of("1", "9"))).containsExactly("1");
        assertThat(client.cancel(new CancelSelection(false, "1-5,9", null, null))).isEqualTo(new CancelResult(1, "1"));
        assertThat(client.status().resources()).isEqualTo("foo=7");
        client.shutdown();
        assertThat(shutdowns).hasValue(1);
    }

    /**
     * Issue 9 row 16: the reply to shutdown says the shutdown has begun, so it must not arrive before
     * {@link ClusterControl#shutdown()} was called (it once did, in about 1 run of 6).
     */
    @RepeatedTest(300)
    void theShutdownReplyComesAfterTheShutdownBegan() {
        new SchedulerClient("127.0.0.1", server.port(), TOKEN).shutdown();
        assertThat(shutdowns).hasValue(1);
    }

    @Test
    void readsRunLogFromAnOffset() throws Exception {
        SchedulerClient client = new SchedulerClient("127.0.0.1", server.port(), TOKEN);
        client.stage(List.of(new RunRequest(List.of("echo"), false, null, Map.of(), List.of(), null)));
        assertThat(client.readLog("1", 0).data()).isEmpty();
        Files.writeString(dir.resolve("1.log"), "hello\nworld\n");
        RunLogChunk first = client.readLog("1", 0);
        assertThat(new String(first.data(), StandardCharsets.UTF_8)).isEqualTo("hello\nworld\n");
        RunLogChunk rest = client.readLog("1", 6);
        assertThat(new String(rest.data(), StandardCharsets.UTF_8)).isEqualTo("world\n");
        assertThat(rest.nextOffset()).isEqualTo(12);
        assertThat(client.readLog("1", 100).data()).isEmpty();
        assertThat(client.runLog("1")).isEqualTo(dir.resolve("1.log"));
    }

    @Test
    void readsOneStreamOfARunLog() throws Exception {
        SchedulerClient client = new SchedulerClient("127.0.0.1", server.port(), TOKEN);
        client.stage(List.of(new RunRequest(List.of("echo"), false, null, Map.of(), List.of(), null)));
        Files.writeString(dir.resolve("1.log"), "out\nerr\n");
        java.io.ByteArrayOutputStream index = new java.io.ByteArrayOutputStream();
        index.write(RunLogReader.entry(LogStream.STDOUT, 0));
        index.write(RunLogReader.entry(LogStream.STDERR, 4));
        Files.write(RunLogReader.indexOf(dir.resolve("1.log")), index.toByteArray());
        RunLogChunk err = client.readLog("1", 0, LogStream.STDERR);
        assertThat(new String(err.data(), StandardCharsets.UTF_8)).isEqualTo("err\n");
        assertThat(err.spans()).containsExactly(new RunLogChunk.Span("stderr", 4));
        RunLogChunk out = client.readLog("1", 0, LogStream.STDOUT);
        assertThat(new String(out.data(), StandardCharsets.UTF_8)).isEqualTo("out\n");
        assertThat(out.nextOffset()).isEqualTo(8);
        assertThat(client.readLog("1", 0).spans()).containsExactly(new RunLogChunk.Span("stdout", 4),
                new RunLogChunk.Span("stderr", 4));
    }

    @Test
    void reportsUnreachableWhenNothingListens() {
        int port = server.port();
        server.close();
        SchedulerClient client = new SchedulerClient("127.0.0.1", port, TOKEN);
        assertThatThrownBy(client::status).isInstanceOf(ApiUnreachableException.class);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpResponse<String> raw(HttpRequest.Builder b) throws Exception {
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An in-memory service that records the calls the API makes on it; the HTTP layer is what is under test. */
    private static final class RecordingService implements SchedulerService {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<RunRequest> staged = new CopyOnWriteArrayList<>();
        private final Path logs;

        RecordingService(Path logs) {
            this.logs = logs;
        }

        @Override
        public StageResult stage(List<RunRequest> runs) {
            calls.add("stage:" + runs.size());
            List<String> ids = new ArrayList<>();
            for (RunRequest r : runs) {
                staged.add(r);
                ids.add(String.valueOf(staged.size()));
            }
            return new StageResult(ids, List.of("a warning"));
        }

        @Override
        public List<RunView> runs(String state) {
            List<RunView> out = new ArrayList<>();
            for (int i = 0; i < staged.size(); i++) {
                RunView v = new RunView(String.valueOf(i + 1), staged.get(i).label(), "staged", staged.get(i).argv(),
                        Map.of(), null, 1L, null, null, null, 0, null, null);
                if (state == null || state.equals(v.state())) {
                    out.add(v);
                }
            }
            return out;
        }

        @Override
        public List<WorkerView> workers() {
            return List.of(new WorkerView("w1", "h", "local-1", "local", Map.of("cores", 2L), Map.of(), 2, 0, "idle", null));
        }

        @Override
        public List<String> cancel(List<String> runIds) {
            return runIds.stream().filter(id -> Integer.parseInt(id) <= staged.size()).toList();
        }

        /** Cancels the staged runs in the selection's ranges (this fake knows no states or labels). */
        @Override
        public CancelResult cancel(CancelSelection selection) {
            java.util.function.LongPredicate in = selection.all() ? id -> true : RunIds.matcher(RunIds.decode(selection.ids()));
            List<String> ids = new java.util.ArrayList<>();
            for (long id = 1; id <= staged.size(); id++) {
                if (in.test(id)) {
                    ids.add(Long.toString(id));
                }
            }
            return new CancelResult(ids.size(), ids.isEmpty() ? "" : RunIds.encode(ids));
        }

        @Override
        public Path runLog(String runId) {
            return Integer.parseInt(runId) <= staged.size() ? logs.resolve(runId + ".log") : null;
        }
    }
}
