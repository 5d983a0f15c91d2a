package io.hpcdask.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.launcher.cli.CliRun;
import io.hpcdask.launcher.failure.ExitCodes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a real local cluster (server and 2 workers as processes) after known activity, read by a real
 * Prometheus text-format parser and checked against what the cluster did: on the API listener behind the token, and
 * without it on the listener of {@code metrics-address}, which serves nothing else.
 */
class MetricsEndToEndTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path home;
    LocalClusterFixture clusters;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        clusters = new LocalClusterFixture(home);
    }

    @AfterEach
    void tearDown() {
        clusters.close();
    }

    @Test
    void scrapeAfterKnownActivityMatchesTheCluster() throws Exception {
        int metricsPort = freePort();
        clusters.up("m", "--workers", "2", "--cores", "2", "--resources", "foo=1",
                "--metrics-address", "127.0.0.1:" + metricsPort);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.addAll(clusters.submit("m", "--", "true"));
        }
        ids.addAll(clusters.submit("m", "--", "false"));
        clusters.awaitEnded("m", ids, LONG);

        // a run holding foo=1 while the scrape is taken; then cancelled
        String sleeper = clusters.submit("m", "--tag", "dask:foo=1", "--", "sleep", "300").get(0);
        Awaitility.await().atMost(LONG).until(() -> clusters.run("m", sleeper).state().equals("running"));
        PrometheusScrape busy = PrometheusScrape.parse(scrape(metricsPort, null).body());
        assertThat(busy.value("hpcdask_runs", "state", "running")).isEqualTo(1.0);
        assertThat(busy.value("hpcdask_resource_used", "resource", "foo")).isEqualTo(1.0);
        assertThat(busy.value("hpcdask_resource_used", "resource", "slots")).isEqualTo(1.0);
        assertThat(busy.sum("hpcdask_workers")).isEqualTo(2.0);
        clusters.ok("cancel", "--name", "m", sleeper);
        ids.add(sleeper);
        assertThat(clusters.awaitEnded("m", ids, LONG)).extracting(r -> r.state())
                .containsExactlyInAnyOrder("completed", "completed", "completed", "error", "terminated");

        AccessInfo access = clusters.dir("m").readAccess().orElseThrow();
        HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + access.apiPort()
                + "/metrics")).header("Authorization", "Bearer " + access.token()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        HttpResponse<String> open = scrape(metricsPort, null);
        assertThat(open.statusCode()).isEqualTo(200);

        for (String text : List.of(withToken.body(), open.body())) {
            PrometheusScrape s = PrometheusScrape.parse(text);
            assertThat(s.type("hpcdask_runs")).isEqualTo("GAUGE");
            assertThat(s.value("hpcdask_runs", "state", "completed")).isEqualTo(3.0);
            assertThat(s.value("hpcdask_runs", "state", "error")).isEqualTo(1.0);
            assertThat(s.value("hpcdask_runs", "state", "terminated")).isEqualTo(1.0);
            assertThat(s.value("hpcdask_runs", "state", "staged")).isEqualTo(0.0);
            assertThat(s.value("hpcdask_runs", "state", "running")).isEqualTo(0.0);

            assertThat(s.type("hpcdask_runs_started_total")).isEqualTo("COUNTER");
            assertThat(s.value("hpcdask_runs_submitted_total")).isEqualTo(5.0);
            assertThat(s.value("hpcdask_runs_started_total")).isEqualTo(5.0);
            assertThat(s.value("hpcdask_runs_finished_total", "state", "completed")).isEqualTo(3.0);
            assertThat(s.value("hpcdask_runs_finished_total", "state", "error")).isEqualTo(1.0);
            assertThat(s.value("hpcdask_runs_finished_total", "state", "terminated")).isEqualTo(1.0);
            assertThat(s.value("hpcdask_runs_failed_total")).isEqualTo(1.0);

            assertThat(s.type("hpcdask_run_wait_seconds")).isEqualTo("HISTOGRAM");
            assertThat(s.histogramCount("hpcdask_run_wait_seconds")).isEqualTo(5);
            assertThat(s.bucket("hpcdask_run_wait_seconds", "+Inf")).isEqualTo(5);
            assertThat(s.histogramCount("hpcdask_run_dispatch_latency_seconds")).isEqualTo(5);
            assertThat(s.histogramSum("hpcdask_run_dispatch_latency_seconds")).isPositive();
            assertThat(s.histogramCount("hpcdask_store_commit_seconds")).isPositive();

            assertThat(s.value("hpcdask_workers", "profile", "local", "state", "idle")).isEqualTo(2.0);
            assertThat(s.sum("hpcdask_workers")).isEqualTo(2.0);
            assertThat(s.value("hpcdask_resource_total", "resource", "cores")).isEqualTo(4.0);
            assertThat(s.value("hpcdask_resource_total", "resource", "foo")).isEqualTo(2.0);
            assertThat(s.value("hpcdask_resource_total", "resource", "slots")).isEqualTo(4.0);
            assertThat(s.value("hpcdask_resource_used", "resource", "foo")).isEqualTo(0.0);
            assertThat(s.value("hpcdask_resource_used", "resource", "slots")).isEqualTo(0.0);

            assertThat(s.value("hpcdask_batch_jobs", "profile", "local", "state", "running")).isEqualTo(2.0);
            assertThat(s.sum("hpcdask_batch_jobs")).isEqualTo(2.0);
            assertThat(s.value("hpcdask_job_submissions_total", "profile", "local")).isPositive();
            assertThat(s.sum("hpcdask_job_submission_failures_total")).isZero();
            assertThat(s.value("hpcdask_scaling_paused", "profile", "local")).isEqualTo(0.0);
            assertThat(s.sum("hpcdask_scaling_pauses_total")).isZero();
            assertThat(s.value("hpcdask_link_received_bytes_total")).isPositive();
            assertThat(s.value("hpcdask_link_sent_bytes_total")).isPositive();
        }
    }

    @Test
    void apiListenerWantsTheTokenAndTheMetricsListenerServesOnlyMetrics() throws Exception {
        int metricsPort = freePort();
        clusters.up("m", "--workers", "0", "--metrics-address", "127.0.0.1:" + metricsPort);
        AccessInfo access = clusters.dir("m").readAccess().orElseThrow();

        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + access.apiPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.body()).doesNotContain("hpcdask_");
        HttpResponse<String> wrongToken = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + access.apiPort()
                + "/metrics")).header("Authorization", "Bearer " + access.token() + "x").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongToken.statusCode()).isEqualTo(401);

        assertThat(scrape(metricsPort, null).statusCode()).isEqualTo(200);
        for (String path : List.of("/", "/api/runs", "/api/status", "/metrics/", "/metricsx", "/dashboard/")) {
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                    .header("Authorization", "Bearer " + access.token()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).as(path).isEqualTo(404);
            assertThat(other.body()).as(path).doesNotContain("hpcdask_").contains("serves only /metrics");
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void aMetricsAddressInUseStopsClusterUpWithTheReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            clusters.track("m");
            CliRun.Result up = clusters.cli("cluster", "up", "--name", "m", "--system", "local", "--workers", "0",
                    "--metrics-address", address);
            assertThat(up.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(up.err()).contains("cannot serve metrics on " + address + " (metrics-address): ")
                    .contains("choose a free port, or unset metrics-address");
        }
        assertThat(clusters.dir("m").readAccess()).isEmpty();
    }

    private HttpResponse<String> scrape(int port, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
