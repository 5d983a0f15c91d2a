package io.hpcdask.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} without credentials on a listener of its own ({@code metrics-address}), for a Prometheus server
 * that cannot hold the cluster's token. It serves that one path and nothing else: every other path is 404, every
 * method but GET and HEAD 405. Metrics say how busy a cluster is, never what its runs are (no labels, commands or
 * hosts), which is why they may go without the token; who may reach the address is the site's firewall's business.
 */
public final class MetricsListener implements AutoCloseable {
    public static final String PATH = "/metrics";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsListener.class);
    /** How long a scraper may take to send its request and to take the reply (the API's limit too). */
    static final String REQUEST_SECONDS = "20";

    static {
        // the JDK's HTTP server reads these once, when the JVM's first server (the API's or this one) is created: a
        // stalled client must not hold this listener's one thread, nor, through the JVM-wide setting, the API's
        for (String key : new String[] {"sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime"}) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, REQUEST_SECONDS);
            }
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;

    /** Binds {@code host:port} (port 0: any free port); {@link #start()} starts answering. */
    public MetricsListener(String host, int port, ServerMetrics metrics) throws IOException {
        this.http = HttpServer.create(new InetSocketAddress(host, port), 16);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", ex -> {
            try (ex) {
                if (!ex.getRequestURI().getPath().equals(PATH)) {
                    sendText(ex, 404, "not found: this listener serves only " + PATH + "\n");
                } else if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    sendText(ex, 405, "method not allowed: " + PATH + " takes GET\n");
                } else {
                    answer(ex, metrics);
                }
            }
        });
    }

    public MetricsListener start() {
        http.start();
        LOG.info("Metrics listening on {}:{}{} (no token needed)", http.getAddress().getHostString(), port(), PATH);
        return this;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Answers a scrape with every metric in the Prometheus text format (HEAD: the headers only). */
    public static void answer(HttpExchange ex, ServerMetrics metrics) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream(16 * 1024);
        metrics.scrape(text);
        ex.getResponseHeaders().set("Content-Type", ServerMetrics.CONTENT_TYPE);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(200, head ? -1 : text.size());
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                text.writeTo(out);
            }
        }
    }

    private static void sendText(HttpExchange ex, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
