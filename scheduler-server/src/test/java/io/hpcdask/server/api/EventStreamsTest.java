package io.hpcdask.server.api;

import static io.hpcdask.server.loop.RecordingConnection.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hpcdask.protocol.Message;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.ServerConfig;
import io.hpcdask.server.loop.RecordingConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/events} on a real API server in front of a real scheduler (its store on disk), read over plain
 * sockets: the framing on the wire, pings, the lifetime, the cap, a stalled client, runs' state changes and a log
 * resumed after a dropped connection.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventStreamsTest {
    private static final String TOKEN = "s3cret-token-0123456789";
    private static final String AUTH = "Bearer " + TOKEN;

    @TempDir
    Path dir;
    private SchedulerServer scheduler;
    private ApiServer api;

    private void start(EventStreams.Limits limits) throws Exception {
        scheduler = SchedulerServer.start(new ServerConfig(dir, Map.of(), 50, 100, 100, 3, 50));
        ClusterControl control = new ClusterControl() {
            @Override
            public ClusterStatus status() {
                return new ClusterStatus("t", "127.0.0.1", api.port(), 1, 1, 1, 0, Map.of(), "", 0, false, "", "", null);
            }

            @Override
            public void shutdown() {
            }
        };
        api = new ApiServer(scheduler, control, TOKEN.getBytes(StandardCharsets.UTF_8), 0, ApiServer.MAX_WAITING, new DashboardAccess(), limits);
        api.start();
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private static RunRequest request(String label) {
        return new RunRequest(List.of("echo", label), false, "/tmp", Map.of(), List.of(), label);
    }

    private RecordingConnection worker() {
        RecordingConnection w = new RecordingConnection("w1");
        scheduler.workerListener().workerConnected(w, hello("w1", 4, Map.of(), List.of()));
        return w;
    }

    private SseClient open(String query) throws Exception {
        return new SseClient(api.port(), "/api/events?" + query, AUTH, null, 0);
    }

    @Test
    void runStateEventsArriveForStagedRunningAndEndedInSseFraming() throws Exception {
        start(EventStreams.Limits.DEFAULT);
        scheduler.stage(List.of(request("a")));
        try (SseClient sse = open("topics=runs=1")) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(sse.headers).anyMatch(h -> h.toLowerCase().startsWith("content-type: text/event-stream"));
            assertThat(sse.line()).isEqualTo("retry: " + EventStreams.RETRY_MILLIS);
            assertThat(sse.line()).isEmpty();
            // each message: its name, one data line of JSON, a blank line
            assertThat(sse.message(false)).containsExactly("event: run", "data: {\"id\":\"1\",\"state\":\"staged\",\"exitCode\":null}");
            assertThat(sse.message(false)).containsExactly("event: progress", "data: {\"total\":1,\"finished\":0,\"outcomes\":[]}");

            RecordingConnection w = worker();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.startedRunIds().size() == 1);
            assertThat(SseClient.data(sse.next("run"))).contains("\"state\":\"running\"");
            scheduler.workerListener().messageReceived(w, new Message.RunFinished("1", 3, false, null));
            assertThat(SseClient.data(sse.next("run"))).isEqualTo("{\"id\":\"1\",\"state\":\"error\",\"exitCode\":3}");
            assertThat(SseClient.data(sse.next("progress")))
                    .isEqualTo("{\"total\":1,\"finished\":1,\"outcomes\":[{\"state\":\"error\",\"exitCode\":3,\"count\":1}]}");
        }
    }

    @Test
    void aPingComesEveryIntervalAndTheStreamEndsCleanlyAtItsLifetime() throws Exception {
        start(new EventStreams.Limits(8, 100, 1500, 200));
        scheduler.stage(List.of(request("a")));
        try (SseClient sse = open("topics=progress=1")) {
            int pings = 0;
            long t0 = System.nanoTime();
            for (List<String> m = sse.message(true); m != null; m = sse.message(true)) {
                if (m.equals(List.of(": ping"))) {
                    pings++;
                }
            }
            // the chunked body ended with its last chunk (the reader checks it): a clean end, not a cut
            assertThat(pings).isBetween(3, 9);
            assertThat(System.nanoTime() - t0).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1000));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> api.events().openCount() == 0);
    }

    @Test
    void streamsBeyondTheCapAreRefusedWith503AndWithoutTheTokenWith401() throws Exception {
        start(new EventStreams.Limits(2, 100, 60_000, 15_000));
        scheduler.stage(List.of(request("a")));
        try (SseClient a = open("topics=runs=1"); SseClient b = open("topics=log=1")) {
            assertThat(a.status).isEqualTo(200);
            assertThat(b.status).isEqualTo(200);
            SchedulerClient client = new SchedulerClient("127.0.0.1", api.port(), TOKEN);
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> client.awaitRunsEnded(List.of("1"), p -> { }, () -> { }), ApiException.class))
                    .satisfies(e -> assertThat(e.status()).isEqualTo(503))
                    .hasMessageContaining("too many event streams are open (2)");
            // idle streams hold no thread
            assertThat(api.events().writerThreads()).isLessThanOrEqualTo(2);
        }
        try (SseClient anonymous = new SseClient(api.port(), "/api/events?topics=runs=1", null, null, 0);
             SseClient wrong = new SseClient(api.port(), "/api/events?topics=runs=1", "Bearer nope", null, 0)) {
            assertThat(anonymous.status).isEqualTo(401);
            assertThat(wrong.status).isEqualTo(401);
        }
        try (SseClient bad = open("topics=nosuch")) {
            assertThat(bad.status).isEqualTo(400);
        }
    }

    @Test
    void logChunksArriveInOrderAndResumeAfterADroppedConnectionWithNoByteLostOrRepeated() throws Exception {
        start(EventStreams.Limits.DEFAULT);
        scheduler.stage(List.of(request("a")));
        RecordingConnection w = worker();
        await().atMost(Duration.ofSeconds(10)).until(() -> w.startedRunIds().size() == 1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) { // more than one log message holds
            byte[] piece = ("line " + i + " " + "x".repeat(20_000) + "\n").getBytes(StandardCharsets.UTF_8);
            printed.write(piece);
            scheduler.workerListener().messageReceived(w, new Message.RunOutput("1", i % 2 == 0 ? "stdout" : "stderr", piece));
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        String resumeAt;
        try (SseClient sse = open("topics=log=1")) {
            List<String> first = sse.next("log");
            got.write(decode(SseClient.data(first)));
            resumeAt = SseClient.id(first);
            assertThat(Long.parseLong(resumeAt)).isEqualTo(got.size());
        } // dropped with more to come
        scheduler.workerListener().messageReceived(w, new Message.RunFinished("1", 0, false, null));
        try (SseClient sse = new SseClient(api.port(), "/api/events?topics=log=1", AUTH, resumeAt, 0)) {
            for (List<String> m = sse.message(false); m != null; m = sse.message(false)) {
                if (m.contains("event: log")) {
                    got.write(decode(SseClient.data(m)));
                    assertThat(Long.parseLong(SseClient.id(m))).isEqualTo(got.size());
                } else if (m.contains("event: end")) {
                    assertThat(SseClient.data(m)).contains("\"state\":\"completed\"");
                }
            }
        }
        assertThat(got.toByteArray()).isEqualTo(printed.toByteArray());
    }

    @Test
    void aStalledClientBlocksNeitherOtherClientsNorTheServerAndIsDropped() throws Exception {
        start(new EventStreams.Limits(8, 20, 60_000, 50));
        scheduler.stage(List.of(request("a")));
        RecordingConnection w = worker();
        await().atMost(Duration.ofSeconds(10)).until(() -> w.startedRunIds().size() == 1);
        try (SseClient stalled = new SseClient(api.port(), "/api/events?topics=log=1", AUTH, null, 4096)) {
            assertThat(stalled.status).isEqualTo(200);
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            for (int i = 0; i < 200; i++) { // megabytes: far more than the stalled client's socket buffers hold
                byte[] piece = ("line " + i + " " + "y".repeat(30_000) + "\n").getBytes(StandardCharsets.UTF_8);
                printed.write(piece);
                scheduler.workerListener().messageReceived(w, new Message.RunOutput("1", "stdout", piece));
            }
            scheduler.workerListener().messageReceived(w, new Message.RunFinished("1", 0, false, null));
            // another client reads the whole log to its end meanwhile, and the API answers
            SchedulerClient client = new SchedulerClient("127.0.0.1", api.port(), TOKEN);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            RunView ended = client.followLog("1", null, chunk -> got.write(chunk.data(), 0, chunk.data().length));
            assertThat(ended.state()).isEqualTo("completed");
            assertThat(got.toByteArray()).isEqualTo(printed.toByteArray());
            assertThat(client.status().name()).isEqualTo("t");
            // the stalled one fell behind by more pings than its bound: dropped, at the latest when the JDK's server
            // cuts the connection its writer waits on
            await().atMost(Duration.ofSeconds(ApiServer.REQUEST_SECONDS + 10)).until(() -> api.events().openCount() == 0);
        }
    }

    @Test
    void closingTheServerEndsItsStreams() throws Exception {
        start(EventStreams.Limits.DEFAULT);
        scheduler.stage(List.of(request("a")));
        try (SseClient sse = open("topics=runs=1")) {
            sse.next("progress");
            long t0 = System.nanoTime();
            api.close();
            while (sse.message(true) != null) {
                // what was queued before the close
            }
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
        }
    }

    private static byte[] decode(String chunkJson) throws Exception {
        RunLogChunk c = new com.fasterxml.jackson.databind.ObjectMapper().readValue(chunkJson, RunLogChunk.class);
        return c.data();
    }
}
