package io.hpcdask.server.api;

import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.ServerConfig;
import io.hpcdask.server.StatusWaits;
import io.hpcdask.server.loop.RecordingConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page of more runs than one slice, or every run, goes out in slices (chunked), and reads back as what a client is
 * given whole: the same runs in the same order, with the core's reasons, the same counts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunPageStreamTest {
    private static final String TOKEN = "tok";

    @TempDir
    Path dir;

    @Test
    void aLargePageGoesOutInSlicesAsTheWholePageWouldRead() throws Exception {
        int runs = 2 * 2_000 + 300; // more than two slices of the server's
        try (SchedulerServer server = SchedulerServer.start(new ServerConfig(dir, Map.of(), 50, 10_000, 10_000, 3, 50));
             ApiServer api = new ApiServer(server, new NoControl(), TOKEN.getBytes(StandardCharsets.UTF_8), 0)) {
            api.start();
            server.stage(IntStream.rangeClosed(1, runs)
                    .mapToObj(i -> new RunRequest(List.of("true"), false, "/tmp", Map.of(), List.of(), "r" + i)).toList());
            RecordingConnection w1 = new RecordingConnection("w1");
            server.workerListener().workerConnected(w1, hello("w1", 3, Map.of(), List.of()));
            assertThat(StatusWaits.awaitWorkers(server, 1, Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> w1.startedRunIds().size() == 3);
            server.workerListener().messageReceived(w1, new Message.RunFinished("1", 0, false, null));
            server.workerListener().messageReceived(w1, new Message.RunFinished("2", 3, false, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.runPage(RunFilter.of("running", 0)).matching() == 3);

            SchedulerClient client = new SchedulerClient("127.0.0.1", api.port(), TOKEN, Duration.ofSeconds(30));
            List<RunFilter> filters = List.of(RunFilter.of(null, 0), RunFilter.of("staged", 0), RunFilter.of(null, 4_100),
                    new RunFilter(List.of("completed", "error", "running"), null, 0),
                    new RunFilter(List.of(), "r1*", 1_200), new RunFilter(List.of("staged"), "r42?", 0));
            for (RunFilter filter : filters) {
                RunPage whole = server.runPage(filter);
                RunPage sent = client.runPage(filter);
                assertThat(sent.runs()).as(filter.toString()).isEqualTo(whole.runs());
                assertThat(sent.matching()).as(filter.toString()).isEqualTo(whole.matching());
                assertThat(sent.counts()).as(filter.toString()).isEqualTo(whole.counts());
                assertThat(sent.serverTime()).as(filter.toString()).isPositive();
            }
            RunPage every = client.runPage(RunFilter.of(null, 0));
            assertThat(every.runs()).hasSize(runs);
            assertThat(every.runs().get(0).state()).isEqualTo("completed");
            assertThat(every.runs().get(runs - 1).waitReason()).as("the core's reason, slices after the first too")
                    .isNotBlank();
            assertThat(every.counts()).isEqualTo(Map.of("completed", 1L, "error", 1L, "running", 3L,
                    "staged", (long) runs - 5));

            for (String state : java.util.Arrays.asList(null, "staged", "completed")) {
                assertThat(client.runs(state)).as("every run in " + state).isEqualTo(server.runs(state));
            }
            assertThat(client.runs(null)).hasSize(runs);
            assertThat(head(api.port(), "/api/runs")).contains("transfer-encoding: chunked");

            assertThat(head(api.port(), "/api/runs/page?limit=0")).as("every run: in slices")
                    .contains("transfer-encoding: chunked").doesNotContain("content-length:");
            assertThat(head(api.port(), "/api/runs/page?limit=1001")).contains("transfer-encoding: chunked");
            assertThat(head(api.port(), "/api/runs/page?limit=1000")).as("a small page: whole, with its length")
                    .contains("content-length:").doesNotContain("transfer-encoding");
        }
    }

    @Test
    void aStateThatDoesNotExistIsRefusedWithWhatIsAccepted() throws Exception {
        try (SchedulerServer server = SchedulerServer.start(new ServerConfig(dir, Map.of(), 50, 10_000, 10_000, 3, 50));
             ApiServer api = new ApiServer(server, new NoControl(), TOKEN.getBytes(StandardCharsets.UTF_8), 0)) {
            api.start();
            for (String path : List.of("/api/runs?state=bogus", "/api/runs/page?limit=0&state=bogus")) {
                String answer = get(api.port(), path);
                assertThat(answer).as(path).startsWith("HTTP/1.1 400")
                        .contains("'bogus' is not a run state; expected one of staged, running");
            }
        }
    }

    @Test
    void aFailureAfterTheFirstSliceLeavesTheClientNoPageToTakeForWhole() throws Exception {
        RunView one = new RunView("1", "r1", "staged", List.of("true"), Map.of(), null, 1L, null, null, null, 0, null, null);
        SchedulerService failing = new EmptyService() {
            @Override
            public void runs(String state, java.util.function.Consumer<List<RunView>> slices) {
                slices.accept(java.util.Collections.nCopies(3_000, one)); // more than the generator buffers
                throw new IllegalStateException("the store went away");
            }

            @Override
            public RunPage runPage(RunFilter filter, java.util.function.Consumer<List<RunView>> slices) {
                slices.accept(java.util.Collections.nCopies(3_000, one));
                throw new IllegalStateException("the store went away");
            }
        };
        try (ApiServer api = new ApiServer(failing, new NoControl(), TOKEN.getBytes(StandardCharsets.UTF_8), 0)) {
            api.start();
            SchedulerClient client = new SchedulerClient("127.0.0.1", api.port(), TOKEN, Duration.ofSeconds(30));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.runPage(RunFilter.of(null, 0)))
                    .as("a page cut short").isInstanceOf(ApiException.class)
                    .hasMessageContaining("unreadable answer from the scheduler").hasMessageContaining("end-of-input");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.runs(null))
                    .as("every run, cut short").isInstanceOf(ApiException.class)
                    .hasMessageContaining("unreadable answer from the scheduler").hasMessageContaining("end-of-input");
            String raw = get(api.port(), "/api/runs");
            assertThat(raw).startsWith("HTTP/1.1 200").contains("\"id\":\"1\"").doesNotEndWith("]");
        }
    }

    /** The whole answer to a GET, as ISO-8859-1 text. */
    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\n"
                    + ApiVersion.HEADER + ": " + ApiVersion.CURRENT + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            s.getInputStream().transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The status line and headers of a GET (lower case), its body read to the end and dropped. */
    private static String head(int port, String path) throws IOException {
        String text = get(port, path);
        String head = text.substring(0, text.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
        assertThat(head).startsWith("http/1.1 200");
        return head;
    }
}
