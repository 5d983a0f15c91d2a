package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's access over real HTTP: codes for token holders, the cookie they become, and what it may do. */
class ApiDashboardLoginTest {
    private static final String TOKEN = "dashboard-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private ApiServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private void start(DashboardAccess access) throws Exception {
        SchedulerService service = new EmptyService() {
            @Override
            public List<String> cancel(List<String> runIds) {
                cancelled.addAll(runIds);
                return runIds;
            }

            @Override
            public Path runLog(String runId) {
                return dir.resolve(runId + ".log");
            }
        };
        ClusterControl control = new ClusterControl() {
            @Override
            public ClusterStatus status() {
                throw new ApiException(404, "not in this test");
            }

            @Override
            public void shutdown() {
            }
        };
        server = new ApiServer(service, control, TOKEN.getBytes(StandardCharsets.UTF_8), 0, ApiServer.MAX_WAITING, access);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCodeFromTheTokenLogsInOnceAndTheCookieReadsTheApi() throws Exception {
        start(new DashboardAccess());
        LoginCode code = new SchedulerClient("127.0.0.1", server.port(), TOKEN).dashboardLoginCode();
        assertThat(code.validSeconds()).isEqualTo(60);

        HttpResponse<String> login = send(get(code.loginPath()));
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValue("/");
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/").doesNotContain(code.code())
                .doesNotContain(TOKEN);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> runs = send(get("/api/runs").header("Cookie", cookie));
        assertThat(runs.statusCode()).as(runs.body()).isEqualTo(200);
        assertThat(runs.body()).isEqualTo("[]");

        HttpResponse<String> again = send(get(code.loginPath()));
        assertThat(again.statusCode()).as("a used code").isEqualTo(401);
        assertThat(again.body()).contains("used already or has expired").contains("hpc-dask dashboard");
        assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void anExpiredCodeIsRefused() throws Exception {
        start(new DashboardAccess(0)); // a code that is expired the moment it is issued
        LoginCode code = new SchedulerClient("127.0.0.1", server.port(), TOKEN).dashboardLoginCode();
        HttpResponse<String> login = send(get(code.loginPath()));
        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(login.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void withoutCookieOrTokenEverythingIsRefused() throws Exception {
        start(new DashboardAccess());
        HttpResponse<String> page = send(get("/"));
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(page.body()).contains("hpc-dask dashboard");
        assertThat(send(get("/api/events?topics=summary")).statusCode()).isEqualTo(401);
        assertThat(send(get("/metrics")).statusCode()).isEqualTo(401);
        assertThat(send(post("/api/cancel", "[\"1\"]")).statusCode()).isEqualTo(401);
        assertThat(send(get("/api/runs").header("Cookie", "hpc_dask_session_x=forged")).statusCode()).isEqualTo(401);
        assertThat(send(get("/login")).statusCode()).isEqualTo(401);
        assertThat(send(get("/login?code=forged")).statusCode()).isEqualTo(401);
        assertThat(cancelled).isEmpty();
    }

    @Test
    void aChangeByCookieNeedsTheDashboardsOwnOrigin() throws Exception {
        start(new DashboardAccess());
        String cookie = login();
        String self = "http://127.0.0.1:" + server.port();

        assertThat(send(post("/api/cancel", "[\"1\"]").header("Cookie", cookie)).statusCode()).as("no Origin").isEqualTo(403);
        assertThat(send(post("/api/cancel", "[\"2\"]").header("Cookie", cookie).header("Origin", "http://evil.example"))
                .statusCode()).as("another site").isEqualTo(403);
        assertThat(send(post("/api/cancel", "[\"3\"]").header("Cookie", cookie).header("Origin", "http://127.0.0.1:1"))
                .statusCode()).as("another port of this host").isEqualTo(403);
        assertThat(cancelled).isEmpty();

        HttpResponse<String> own = send(post("/api/cancel", "[\"4\"]").header("Cookie", cookie).header("Origin", self));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(cancelled).containsExactly("4");
    }

    @Test
    void aCookieCannotIssueLoginCodes() throws Exception {
        start(new DashboardAccess());
        String cookie = login();
        HttpResponse<String> r = send(post("/api/dashboard/login-code", "{}").header("Cookie", cookie)
                .header("Origin", "http://127.0.0.1:" + server.port()));
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndNoCors() throws Exception {
        start(new DashboardAccess());
        String cookie = login();
        for (HttpResponse<String> r : List.of(send(get("/")), send(get("/api/runs")), send(get("/login?code=x")),
                send(get("/api/runs").header("Cookie", cookie)), send(get("/api/runs").header("Authorization", "Bearer " + TOKEN)),
                send(get("/api/runs").header("Cookie", cookie).header("Origin", "http://evil.example")))) {
            Map<String, List<String>> h = r.headers().map();
            assertThat(r.headers().firstValue("X-Frame-Options")).as("%s", h).hasValue("DENY");
            assertThat(r.headers().firstValue("Content-Security-Policy")).as("%s", h).get().asString()
                    .contains("frame-ancestors 'none'").contains("default-src 'self'").doesNotContain("unsafe");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(h.keySet()).noneMatch(k -> k.toLowerCase().startsWith("access-control-"));
        }
    }

    private String login() throws Exception {
        LoginCode code = new SchedulerClient("127.0.0.1", server.port(), TOKEN).dashboardLoginCode();
        String setCookie = send(get(code.loginPath())).headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
