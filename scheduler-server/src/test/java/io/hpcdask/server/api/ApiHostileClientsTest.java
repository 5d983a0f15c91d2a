package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 9, row 15 and the HTTP half of "hostile peers cost nothing": limits on what a client may send. */
class ApiHostileClientsTest {
    private static final String TOKEN = "api-hostile-token";
    private final AtomicInteger staged = new AtomicInteger();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger apiLog = (Logger) LoggerFactory.getLogger(ApiServer.class);
    private final List<Socket> sockets = new ArrayList<>();
    private ApiServer server;

    @BeforeEach
    void start() throws Exception {
        logged.start();
        apiLog.addAppender(logged);
        SchedulerService service = new EmptyService() {
            @Override
            public StageResult stage(List<RunRequest> runs) {
                staged.addAndGet(runs.size());
                return new StageResult(List.of(), List.of());
            }
        };
        ClusterControl control = new ClusterControl() {
            @Override
            public ClusterStatus status() {
                return new ClusterStatus("api", "127.0.0.1", 1, 2, 3, 4, 0, Map.of(), "", 0, false, "127.0.0.1:2", "localhost", null);
            }

            @Override
            public void shutdown() {
            }
        };
        server = new ApiServer(service, control, TOKEN.getBytes(StandardCharsets.UTF_8), 0);
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
        apiLog.detachAppender(logged);
    }

    private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN).POST(body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Socket raw() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        sockets.add(s);
        return s;
    }

    /** Everything the server sends until it closes the connection; null if it is still open after 60 s. */
    private static String readUntilClosed(Socket s) throws IOException {
        s.setSoTimeout(60_000);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException reset) {
            // closed with unread data
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void malformedJsonGets400WithTheParsersReasonAndIsLogged() throws Exception {
        HttpResponse<String> r = post(ApiPaths.RUNS, HttpRequest.BodyPublishers.ofString("[{\"argv\": [\"true\"], oops"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("malformed JSON").contains("line 1");
        assertThat(staged).hasValue(0);
        assertThat(logged.list).anyMatch(e -> e.getFormattedMessage().contains("malformed JSON"));

        HttpResponse<String> wrongShape = post(ApiPaths.CANCEL, HttpRequest.BodyPublishers.ofString("{\"not\": \"a list\"}"));
        assertThat(wrongShape.statusCode()).isEqualTo(400);
        assertThat(wrongShape.body()).contains("malformed JSON");
    }

    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        byte[] big = new byte[(int) ApiServer.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<String> declared = post(ApiPaths.RUNS, HttpRequest.BodyPublishers.ofByteArray(big));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("larger than the limit of " + ApiServer.MAX_BODY_BYTES + " bytes");

        // no length declared (chunked): refused once the limit is passed
        HttpResponse<String> chunked = post(ApiPaths.RUNS, HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(big)));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(staged).hasValue(0);

        // the limit is not a cap on what is normal
        assertThat(post(ApiPaths.RUNS, HttpRequest.BodyPublishers.ofString("[]")).statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongTokenGets401BeforeTheBodyIsSent() throws Exception {
        Socket s = raw();
        OutputStream out = s.getOutputStream();
        // declares 100 MB and sends none of it: the answer must not wait for the body
        out.write(("POST " + ApiPaths.RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n"
                + "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        s.setSoTimeout(30_000);
        byte[] head = new byte[12];
        int n = 0;
        InputStream in = s.getInputStream();
        while (n < head.length) {
            int r = in.read(head, n, head.length - n);
            assertThat(r).as("a reply before the connection closes").isPositive();
            n += r;
        }
        assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 401");
        assertThat(staged).hasValue(0);
    }

    @Test
    void stalledRequestsAreCutOffAndTheApiKeepsAnswering() throws Exception {
        // more stalled clients than the API has handler threads: each sent a request line and part of its headers
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Socket s = raw();
            s.getOutputStream().write(("POST " + ApiPaths.RUNS + " HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            stalled.add(s);
        }
        // each is closed by the server within the request time (plus the timer's tick), without a reply
        for (Socket s : stalled) {
            assertThat(readUntilClosed(s)).as("closed by the server").isNotNull().doesNotContain("200");
        }
        SchedulerClient client = new SchedulerClient("127.0.0.1", server.port(), TOKEN);
        assertThat(client.status().name()).isEqualTo("api");
    }
}
