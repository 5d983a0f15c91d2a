package io.hpcdask.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The unauthenticated listener serves /metrics and nothing else. */
class MetricsListenerTest {
    private final ServerMetrics metrics = new ServerMetrics(System::currentTimeMillis);
    private final MetricsListener listener;
    private final HttpClient http = HttpClient.newHttpClient();

    MetricsListenerTest() throws Exception {
        listener = new MetricsListener("127.0.0.1", 0, metrics).start();
    }

    @AfterEach
    void close() {
        listener.close();
    }

    @Test
    void servesMetricsWithoutCredentials() throws Exception {
        metrics.runsSubmitted(3);
        HttpResponse<String> r = get("/metrics", "GET");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(ServerMetrics.CONTENT_TYPE);
        assertThat(r.body()).contains("hpcdask_runs_submitted_total 3.0\n");
        HttpResponse<String> head = get("/metrics", "HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void everythingElseIsRefused() throws Exception {
        for (String path : new String[] {"/", "/api/runs", "/api/status", "/metrics/x", "/Metrics", "/dashboard/"}) {
            HttpResponse<String> r = get(path, "GET");
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).isEqualTo("not found: this listener serves only /metrics\n");
        }
        HttpResponse<String> post = get("/metrics", "POST");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    private HttpResponse<String> get(String path, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
