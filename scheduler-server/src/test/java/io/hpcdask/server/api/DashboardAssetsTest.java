package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpcdask.server.SchedulerServer;
import io.hpcdask.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's files as a real API server serves them: types, caching, no external URL, the test hooks. */
class DashboardAssetsTest {
    private static final String TOKEN = "assets-test-token";
    @TempDir
    Path dir;
    private SchedulerServer scheduler;
    private ApiServer api;
    private final HttpClient http = HttpClient.newHttpClient();

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

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + TOKEN);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageAndItsAssetsWithTheirTypesAndValidators() throws Exception {
        Map<String, String> types = Map.of("/", "text/html; charset=utf-8",
                "/dashboard/app.js", "text/javascript; charset=utf-8",
                "/dashboard/app.css", "text/css; charset=utf-8");
        for (Map.Entry<String, String> e : types.entrySet()) {
            HttpResponse<String> r = get(e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains(e.getValue());
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache");
            String etag = r.headers().firstValue("ETag").orElseThrow();
            assertThat(r.body()).isNotEmpty();
            HttpResponse<String> again = get(e.getKey(), "If-None-Match", etag);
            assertThat(again.statusCode()).as(e.getKey() + " revalidated").isEqualTo(304);
            assertThat(again.body()).isEmpty();
        }
        assertThat(get("/dashboard/nothing.js").statusCode()).isEqualTo(404);
        assertThat(get("/index.html").statusCode()).isEqualTo(404); // not an asset, not an API call
    }

    @Test
    void noAssetReachesOutsideTheServer() throws Exception {
        // scheme-qualified or protocol-relative URLs, anywhere: a src, an href, a url(), a fetch
        Pattern external = Pattern.compile("(?i)(https?:|wss?:|ftp:)?//[a-z0-9.-]+\\.[a-z]{2,}|@import|\\bimport\\s*\\(");
        for (String path : List.of("/", "/dashboard/app.js", "/dashboard/app.css")) {
            String body = get(path).body();
            assertThat(external.matcher(body).results().map(java.util.regex.MatchResult::group).toList())
                    .as(path + ": external references").isEmpty();
        }
        String html = get("/").body();
        Matcher refs = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        int n = 0;
        while (refs.find()) {
            assertThat(refs.group(1)).startsWith("/dashboard/");
            n++;
        }
        assertThat(n).isEqualTo(2);
    }

    @Test
    void thePageHasTheBrowserTestsHooksAndPutsValuesInAsTextOnly() throws Exception {
        String html = get("/").body();
        String js = get("/dashboard/app.js").body();
        for (String state : List.of("staged", "running", "completed", "failed", "cancelled")) {
            assertThat(html).contains("data-testid=\"count-" + state + "\"");
        }
        for (String hook : List.of("runs-filter", "run-log", "cancel-run", "run-state")) {
            assertThat(html).contains("data-testid=\"" + hook + "\"");
        }
        assertThat(js).contains("'data-testid', 'worker-row'", "'data-worker'", "'data-testid', 'run-row'", "'data-run'");
        // no way in for markup: values go in through textContent and text nodes only
        assertThat(js).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function");
    }
}
