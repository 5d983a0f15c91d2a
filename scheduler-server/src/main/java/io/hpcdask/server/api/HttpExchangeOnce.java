package io.hpcdask.server.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request and its answer over a connection of its own ({@code Connection: close}), as the CLI talks to
 * {@link ApiServer}. A plain socket rather than {@code java.net.http.HttpClient} or {@code HttpURLConnection}: the
 * HttpClient's start (a selector thread, an SSL context even for plain HTTP, some 450 classes) cost a short command
 * about a second on a loaded machine, and HttpURLConnection may send a POST a second time on its own when a kept-alive
 * connection breaks, which must stay the caller's decision (a stage is resent only under its request id).
 */
final class HttpExchangeOnce {
    /** The answer: status, body (the whole body, read to its declared end) and the API version it says it speaks. */
    record Answer(int status, byte[] body, String apiVersion, String release) {
    }

    private static final int MAX_HEADER_LINE = 64 * 1024;

    private HttpExchangeOnce() {
    }

    /**
     * Sends {@code method path} with {@code headers} and {@code body} (null: none) to {@code host:port}. Throws
     * {@link java.net.ConnectException} when nothing listens, {@link java.net.SocketTimeoutException} when connecting
     * or any read takes longer than its timeout, another {@link IOException} when the connection breaks or the answer
     * is not HTTP.
     */
    static Answer send(String host, int port, String method, String path, Map<String, String> headers, byte[] body,
                       int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
        try (Socket socket = direct()) {
            InputStream in = request(socket, host, port, method, path, headers, body, connectTimeoutMillis, readTimeoutMillis);
            Head head = head(in);
            return new Answer(head.status(), body(in, head, method), head.apiVersion(), head.release());
        }
    }

    /**
     * A socket that connects straight to the scheduler (its own address or a port forwarded on this machine), never
     * through a SOCKS proxy of the JVM's settings: and so without the proxy selector's set-up, a few milliseconds of
     * every CLI command. A channel's socket, not a plain one: an interrupt of the calling thread (the CLI daemon's,
     * when the client of a call went) closes it at once and ends a wait for an answer that may be minutes away, where a
     * plain socket's read would go on until the scheduler's next byte.
     */
    private static Socket direct() throws IOException {
        return SocketChannel.open().socket();
    }

    /** How a streamed answer is taken: its head, and its body as it arrives (de-chunked). */
    interface StreamReader<T> {
        T read(Head head, InputStream body) throws IOException;
    }

    /**
     * Sends a GET of {@code path} and hands its answer to {@code reader} while it arrives: an answer without an end
     * known in advance ({@code text/event-stream}). Failures as {@link #send}; each read waits at most
     * {@code readTimeoutMillis}.
     */
    static <T> T stream(String host, int port, String path, Map<String, String> headers, int connectTimeoutMillis,
                        int readTimeoutMillis, StreamReader<T> reader) throws IOException {
        try (Socket socket = direct()) {
            InputStream in = request(socket, host, port, "GET", path, headers, null, connectTimeoutMillis, readTimeoutMillis);
            Head head = head(in);
            InputStream body = head.chunked() ? new BufferedInputStream(new ChunkedInputStream(in), 16 * 1024)
                    : head.length() >= 0 ? new java.io.ByteArrayInputStream(body(in, head, "GET")) : in;
            return reader.read(head, body);
        }
    }

    /** The status line and the headers the client looks at; {@code length} -1 when none was declared. */
    record Head(int status, long length, boolean chunked, String apiVersion, String release) {
    }

    private static InputStream request(Socket socket, String host, int port, String method, String path,
                                       Map<String, String> headers, byte[] body, int connectTimeoutMillis,
                                       int readTimeoutMillis) throws IOException {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
        socket.setSoTimeout(readTimeoutMillis);
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            out.write(headBytes);
        } else {
            byte[] all = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, all, 0, headBytes.length);
            System.arraycopy(body, 0, all, headBytes.length, body.length);
            out.write(all);
        }
        out.flush();
        return new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    private static Head head(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("the connection closed before an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new NumberFormatException();
            }
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        long length = -1;
        boolean chunked = false;
        String api = null;
        String release = null;
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length in the answer: " + value);
                }
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equals(ApiVersion.HEADER.toLowerCase(Locale.ROOT))) {
                api = value;
            } else if (name.equals(ApiVersion.RELEASE_HEADER.toLowerCase(Locale.ROOT))) {
                release = value;
            }
        }
        return new Head(status, length, chunked, api, release);
    }

    private static byte[] body(InputStream in, Head head, String method) throws IOException {
        int status = head.status();
        if (method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return new byte[0];
        }
        if (head.chunked()) {
            return new ChunkedInputStream(in).readAllBytes();
        }
        long length = head.length();
        if (length >= 0) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE, length));
            if (body.length < length) {
                throw new IOException("the connection closed after " + body.length + " of " + length + " bytes of the answer");
            }
            return body;
        }
        return in.readAllBytes();
    }

    /** A chunked body as the bytes it carries; the end of the stream at its last chunk. */
    private static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long left; // in the current chunk
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (left == 0 && !nextChunk()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the connection closed inside a chunked answer");
            }
            left -= n;
            if (left == 0) {
                line(in); // the CRLF after the chunk
            }
            return n;
        }

        /** Reads the next chunk's size; false at the last chunk (its trailers read too). */
        private boolean nextChunk() throws IOException {
            if (done) {
                return false;
            }
            String sizeLine = line(in);
            if (sizeLine == null) {
                throw new IOException("the connection closed inside a chunked answer");
            }
            int semi = sizeLine.indexOf(';');
            try {
                left = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size in the answer: " + sizeLine);
            }
            if (left == 0) {
                for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                    // trailers carry nothing the client uses
                }
                done = true;
                return false;
            }
            return true;
        }
    }

    /** One header line without its CRLF, or null at the end of the stream before any byte. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (b.size() >= MAX_HEADER_LINE) {
                throw new IOException("an answer's header line is longer than " + MAX_HEADER_LINE + " bytes");
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
