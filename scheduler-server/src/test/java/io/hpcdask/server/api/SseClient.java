package io.hpcdask.server.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's raw view of an event stream: a plain socket, the HTTP head read by hand and the chunked body de-chunked by
 * hand, so the framing on the wire is what is checked. {@link #lines()} reads the body's lines.
 */
final class SseClient implements AutoCloseable {
    final Socket socket;
    final int status;
    final List<String> headers = new ArrayList<>();
    private final InputStream in;
    private final BufferedReader body;

    SseClient(int port, String pathAndQuery, String authorization, String lastEventId, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (authorization != null) {
            req.append("Authorization: ").append(authorization).append("\r\n");
        }
        req.append(ApiVersion.HEADER).append(": ").append(ApiVersion.CURRENT).append("\r\n");
        if (lastEventId != null) {
            req.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
        }
        req.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        in = socket.getInputStream();
        String statusLine = HttpExchangeOnce.line(in);
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String h = HttpExchangeOnce.line(in); h != null && !h.isEmpty(); h = HttpExchangeOnce.line(in)) {
            headers.add(h);
        }
        body = new BufferedReader(new InputStreamReader(new Dechunked(in), StandardCharsets.UTF_8));
    }

    /** The next line of the body, or null at its clean end. */
    String line() throws IOException {
        return body.readLine();
    }

    /** The next message's lines (up to its blank line), comments skipped unless {@code comments}; null at the end. */
    List<String> message(boolean comments) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l = line(); l != null; l = line()) {
            if (l.isEmpty()) {
                if (!lines.isEmpty()) {
                    return lines;
                }
            } else if (comments || !l.startsWith(":")) {
                lines.add(l);
            }
        }
        return lines.isEmpty() ? null : lines;
    }

    /** The next message named {@code event}, skipping others; its lines. */
    List<String> next(String event) throws IOException {
        for (List<String> m = message(false); m != null; m = message(false)) {
            if (m.contains("event: " + event)) {
                return m;
            }
        }
        throw new IOException("the stream ended before an event '" + event + "'");
    }

    static String data(List<String> message) {
        return message.stream().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).findFirst().orElseThrow();
    }

    static String id(List<String> message) {
        return message.stream().filter(l -> l.startsWith("id: ")).map(l -> l.substring(4)).findFirst().orElse(null);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Chunked transfer coding, read strictly: a malformed chunk fails the test. */
    private static final class Dechunked extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Dechunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = HttpExchangeOnce.line(in);
                if (size == null) {
                    throw new IOException("the connection closed without the chunked body's end");
                }
                left = Integer.parseInt(size.trim(), 16);
                if (left == 0) {
                    HttpExchangeOnce.line(in);
                    done = true;
                    return -1;
                }
            }
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection closed inside a chunk");
            }
            if (--left == 0 && !"".equals(HttpExchangeOnce.line(in))) {
                throw new IOException("a chunk is not followed by CRLF");
            }
            return c;
        }

        /** One byte at a time: what has arrived is handed on without waiting for more. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }
    }
}
