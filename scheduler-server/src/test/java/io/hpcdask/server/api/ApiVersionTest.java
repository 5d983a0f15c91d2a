package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.hpcdask.protocol.Release;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI and a server of another API version: each says so, before anything is done, and shutdown still works. */
class ApiVersionTest {
    private static final String TOKEN = "api-version-token";
    private final AtomicInteger staged = new AtomicInteger();
    private final AtomicInteger shutdowns = new AtomicInteger();
    private ApiServer server;
    private HttpServer other;

    @BeforeEach
    void start() throws Exception {
        SchedulerService service = new EmptyService() {
            @Override
            public StageResult stage(List<RunRequest> runs) {
                staged.addAndGet(runs.size());
                return new StageResult(List.of("1"), List.of());
            }

            @Override
            public CancelResult cancel(CancelSelection selection) {
                return new CancelResult(0, "");
            }
        };
        ClusterControl control = new ClusterControl() {
            @Override
            public ClusterStatus status() {
                return new ClusterStatus("v", "127.0.0.1", 1, 2, 3, 4, 0, Map.of(), "", 0, false, "127.0.0.1:2", "localhost", null);
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
        if (other != null) {
            other.stop(0);
        }
    }

    private HttpExchangeOnce.Answer send(String method, String path, Map<String, String> extra, String body)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + TOKEN);
        headers.putAll(extra);
        return HttpExchangeOnce.send("127.0.0.1", server.port(), method, path, headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), 5_000, 30_000);
    }

    private static final String RUN = "[{\"argv\":[\"true\"],\"shell\":false,\"cwd\":\"/tmp\",\"env\":{},\"tags\":[],"
            + "\"label\":null}]";

    @Test
    void aCliOfAnotherApiVersionIsRefusedBeforeTheServerActs() throws Exception {
        HttpExchangeOnce.Answer a = send("POST", ApiPaths.RUNS, Map.of(ApiVersion.HEADER, "2",
                ApiVersion.RELEASE_HEADER, "0.3.0"), RUN);
        assertThat(a.status()).isEqualTo(409);
        assertThat(new String(a.body(), StandardCharsets.UTF_8)).contains("hpc-dask 0.3.0 (API 2) cannot talk to the"
                + " cluster's server, hpc-dask " + Release.VERSION + " (API " + ApiVersion.CURRENT + "): stop it with"
                + " 'hpc-dask cluster down' (staged runs are kept) and start it again with 'hpc-dask cluster up'");
        assertThat(staged).hasValue(0);
    }

    @Test
    void answersSayTheirVersionAndACliOfTheSameVersionIsServed() throws Exception {
        HttpExchangeOnce.Answer a = send("POST", ApiPaths.RUNS, Map.of(ApiVersion.HEADER,
                Integer.toString(ApiVersion.CURRENT)), RUN);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.apiVersion()).isEqualTo(Integer.toString(ApiVersion.CURRENT));
        assertThat(a.release()).isEqualTo(Release.VERSION);
        assertThat(staged).hasValue(1);
    }

    @Test
    void aCliOfHpcDask01SaysNoVersionAndSpeaksTheFirstApi() throws Exception {
        HttpExchangeOnce.Answer a = send("GET", ApiPaths.STATUS, Map.of(), null);
        assertThat(a.status()).isEqualTo(ApiVersion.CURRENT == 1 ? 200 : 409);
    }

    @Test
    void onlyAHolderOfTheTokenLearnsTheVersions() throws Exception {
        HttpExchangeOnce.Answer a = HttpExchangeOnce.send("127.0.0.1", server.port(), "GET", ApiPaths.STATUS,
                Map.of("Authorization", "Bearer wrong"), null, 5_000, 30_000);
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.apiVersion()).isNull();
        assertThat(a.release()).isNull();
    }

    @Test
    void aCliOfAnyVersionCanStopTheServer() throws Exception {
        HttpExchangeOnce.Answer a = send("POST", ApiPaths.SHUTDOWN, Map.of(ApiVersion.HEADER, "7"), "\"\"");
        assertThat(a.status()).isEqualTo(200);
        assertThat(shutdowns).hasValue(1);
    }

    /** A real HTTP server that answers every request as a server of API {@code api} and release 0.3.0 would. */
    private int otherServer(int api) throws IOException {
        other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", ex -> {
            byte[] body = (ex.getRequestURI().getPath().equals(ApiPaths.SHUTDOWN) ? "\"\"" : "{\"name\":\"v\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set(ApiVersion.HEADER, Integer.toString(api));
            ex.getResponseHeaders().set(ApiVersion.RELEASE_HEADER, "0.3.0");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        other.start();
        return other.getAddress().getPort();
    }

    @Test
    void theCliRefusesTheAnswerOfAServerOfAnotherVersion() throws Exception {
        SchedulerClient client = new SchedulerClient("127.0.0.1", otherServer(ApiVersion.CURRENT + 1), TOKEN);
        assertThatThrownBy(client::status).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.getMessage()).isEqualTo("hpc-dask " + Release.VERSION + " (API " + ApiVersion.CURRENT + ")"
                    + " cannot talk to the cluster's server, hpc-dask 0.3.0 (API " + (ApiVersion.CURRENT + 1) + "):"
                    + " stop it with 'hpc-dask cluster down' (staged runs are kept) and start it again with"
                    + " 'hpc-dask cluster up' of the hpc-dask you mean to use");
        });
    }

    @Test
    void theCliStillStopsAServerOfAnotherVersion() throws Exception {
        SchedulerClient client = new SchedulerClient("127.0.0.1", otherServer(ApiVersion.CURRENT + 1), TOKEN);
        client.shutdown(); // no exception: cluster down works across versions
    }

    @Test
    void theRealClientAndServerAgree() {
        SchedulerClient client = new SchedulerClient("127.0.0.1", server.port(), TOKEN);
        assertThat(client.status().name()).isEqualTo("v");
        assertThat(client.stage(List.of(new RunRequest(List.of("true"), false, "/tmp", Map.of(), List.of(), null,
                null))).ids()).containsExactly("1");
    }
}
