package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary topic on a real API server's event stream, as the page reads it. */
class SummaryTopicTest {
    private static final String TOKEN = "summary-topic-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private SchedulerServer scheduler;
    private ApiServer api;

    @BeforeEach
    void start() throws Exception {
        scheduler = SchedulerServer.start(ServerConfig.defaults(dir, Map.of()));
        api = new ApiServer(scheduler, new ClusterControl() {
            @Override
            public ClusterStatus status() {
                throw new ApiException(501, "not in this test");
            }

            @Override
            public void shutdown() {
            }
        }, TOKEN.getBytes(StandardCharsets.UTF_8), 0);
        api.start();
    }

    @AfterEach
    void stop() {
        api.close();
        scheduler.close();
    }

    /** The next {@code summary} event's data; other events and comments are passed over. */
    private static DashboardSummary next(BufferedReader in) throws Exception {
        String event = null;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:") && "summary".equals(event)) {
                return JSON.readValue(line.substring(5).trim(), DashboardSummary.class);
            }
        }
        throw new AssertionError("the stream ended");
    }

    @Test
    void aStreamGetsTheWholeSummaryThenItsChanges() throws Exception {
        scheduler.stage(List.of(new RunRequest(List.of("true"), false, "/tmp", Map.of(), List.of(), "one")));
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + api.port() + "/api/events?topics=summary")
                .toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer " + TOKEN);
        c.setReadTimeout((int) Duration.ofSeconds(20).toMillis());
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(c.getContentType()).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            DashboardSummary first = next(in);
            assertThat(first.full()).isTrue();
            assertThat(first.counts()).containsEntry("staged", 1L);
            assertThat(first.system()).isEqualTo("local");
            assertThat(first.workers()).isEmpty();

            scheduler.stage(List.of(new RunRequest(List.of("true"), false, "/tmp", Map.of(), List.of(), "two")));
            DashboardSummary change = next(in);
            assertThat(change.full()).isFalse();
            assertThat(change.counts()).containsEntry("staged", 2L);
            assertThat(change.runsVersion()).isGreaterThan(first.runsVersion());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void summaryTakesNoValue() throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + api.port()
                + "/api/events?topics=summary%3Dall").toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer " + TOKEN);
        assertThat(c.getResponseCode()).isEqualTo(400);
        c.disconnect();
    }
}
