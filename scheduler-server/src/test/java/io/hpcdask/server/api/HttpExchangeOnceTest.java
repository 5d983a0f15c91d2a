package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The CLI's HTTP exchange against a hand-written peer: answers framed each way, and each way of failing. */
class HttpExchangeOnceTest {

    /** Accepts one connection, reads the request head and body (by its Content-Length), answers {@code answer}. */
    private static CompletableFuture<String> peer(ServerSocket server, String answer, boolean closeAfter) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream seen = new ByteArrayOutputStream();
                while (!seen.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    seen.write(c);
                }
                String head = seen.toString(StandardCharsets.ISO_8859_1);
                int length = head.lines().filter(l -> l.startsWith("Content-Length: ")).findFirst()
                        .map(l -> Integer.parseInt(l.substring(16).trim())).orElse(0);
                seen.write(in.readNBytes(length));
                s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                if (!closeAfter) {
                    Thread.sleep(5_000);
                }
                return seen.toString(StandardCharsets.UTF_8);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @Test
    void sendsHeadersAndBodyAndReadsALengthFramedAnswer() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<String> request = peer(server,
                    "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}", false);
            HttpExchangeOnce.Answer a = HttpExchangeOnce.send("127.0.0.1", server.getLocalPort(), "POST", "/api/runs?x=1",
                    Map.of("Authorization", "Bearer t"), "[1,2]".getBytes(StandardCharsets.UTF_8), 5_000, 5_000);
            assertThat(a.status()).isEqualTo(201);
            assertThat(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
            assertThat(request.get(10, TimeUnit.SECONDS))
                    .startsWith("POST /api/runs?x=1 HTTP/1.1\r\n")
                    .contains("\r\nAuthorization: Bearer t\r\n", "\r\nContent-Length: 5\r\n", "\r\nConnection: close\r\n")
                    .endsWith("\r\n\r\n[1,2]");
        }
    }

    @Test
    void readsAChunkedAnswerAndAnAnswerEndedByClosing() throws Exception {
        try (ServerSocket server = listen()) {
            peer(server, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\n\r\n", false);
            HttpExchangeOnce.Answer a = HttpExchangeOnce.send("127.0.0.1", server.getLocalPort(), "GET", "/", Map.of(), null,
                    5_000, 5_000);
            assertThat(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo("abcdefg");

            peer(server, "HTTP/1.1 401 Unauthorized\r\n\r\n{\"error\":\"no\"}", true);
            HttpExchangeOnce.Answer b = HttpExchangeOnce.send("127.0.0.1", server.getLocalPort(), "GET", "/", Map.of(), null,
                    5_000, 5_000);
            assertThat(b.status()).isEqualTo(401);
            assertThat(new String(b.body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"no\"}");
        }
    }

    @Test
    void failsEachWayAsTheClientTellsThemApart() throws Exception {
        int closedPort;
        try (ServerSocket server = listen()) {
            closedPort = server.getLocalPort();
        }
        assertThatThrownBy(() -> HttpExchangeOnce.send("127.0.0.1", closedPort, "GET", "/", Map.of(), null, 5_000, 5_000))
                .isInstanceOf(ConnectException.class);
        try (ServerSocket server = listen()) {
            peer(server, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true);
            assertThatThrownBy(() -> HttpExchangeOnce.send("127.0.0.1", server.getLocalPort(), "GET", "/", Map.of(), null,
                    5_000, 5_000)).isInstanceOf(IOException.class).hasMessageContaining("3 of 10 bytes");
            peer(server, "", false); // accepts, never answers
            assertThatThrownBy(() -> HttpExchangeOnce.send("127.0.0.1", server.getLocalPort(), "GET", "/", Map.of(), null,
                    5_000, 300)).isInstanceOf(SocketTimeoutException.class);
            peer(server, "SSH-2.0-OpenSSH\r\n", true);
            assertThatThrownBy(() -> HttpExchangeOnce.send("127.0.0.1", server.getLocalPort(), "GET", "/", Map.of(), null,
                    5_000, 5_000)).isInstanceOf(IOException.class).hasMessageContaining("not an HTTP answer");
        }
    }

    /**
     * The CLI daemon interrupts a call whose client went (Ctrl-C): a wait for an answer that may be minutes away ends
     * at once, and its connection with it, rather than at the next byte the scheduler sends.
     */
    @Test
    void aCallInterruptedWhileItWaitsForTheAnswerEndsAtOnceAndClosesItsConnection() throws Exception {
        for (boolean streamed : new boolean[] {false, true}) {
            try (ServerSocket server = listen()) {
                CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.accept();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                CompletableFuture<Throwable> failure = new CompletableFuture<>();
                Thread caller = new Thread(() -> {
                    try {
                        if (streamed) {
                            HttpExchangeOnce.stream("127.0.0.1", server.getLocalPort(), "/events", Map.of(), 5_000, 600_000,
                                    (head, body) -> body.readAllBytes());
                        } else {
                            HttpExchangeOnce.send("127.0.0.1", server.getLocalPort(), "GET", "/wait", Map.of(), null, 5_000,
                                    600_000);
                        }
                        failure.complete(null);
                    } catch (Throwable t) {
                        failure.complete(t);
                    }
                }, "interrupted-call");
                caller.start();
                try (Socket peer = accepted.get(10, TimeUnit.SECONDS)) {
                    InputStream in = peer.getInputStream();
                    while (!new String(in.readNBytes(1), StandardCharsets.ISO_8859_1).equals("\n")) {
                        // the request line: the call now waits for an answer that never comes
                    }
                    Thread.sleep(300);
                    caller.interrupt();
                    assertThat(failure.get(5, TimeUnit.SECONDS)).as(streamed ? "streamed" : "plain")
                            .isInstanceOf(java.nio.channels.ClosedByInterruptException.class);
                    peer.setSoTimeout(5_000);
                    while (in.read() >= 0) {
                        // the rest of the request, then the end of the connection the call closed
                    }
                }
                caller.join(5_000);
            }
        }
    }
}
