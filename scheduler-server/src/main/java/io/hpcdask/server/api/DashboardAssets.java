package io.hpcdask.server.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The dashboard's page and its two assets, served from this module's resources: {@code /} (the page),
 * {@code /dashboard/app.js} and {@code /dashboard/app.css}. No build step, no external URL. Each answer carries an
 * {@code ETag} and {@code Cache-Control: no-cache}: a browser keeps its copy but asks each time, and gets a
 * {@code 304} while the server's release is the same.
 */
final class DashboardAssets {
    /** Where the files are, in the classpath. */
    static final String RESOURCES = "/io/hpcdask/server/dashboard/";
    static final String PAGE = "/";
    static final String PREFIX = "/dashboard/";

    private record Asset(byte[] bytes, String contentType, String etag) {}

    private final Map<String, Asset> assets;

    DashboardAssets() {
        this.assets = Map.of(
                PAGE, load("index.html", "text/html; charset=utf-8"),
                PREFIX + "app.js", load("app.js", "text/javascript; charset=utf-8"),
                PREFIX + "app.css", load("app.css", "text/css; charset=utf-8"));
    }

    /** Whether {@code path} is the dashboard's (answered here, 404 when no such asset): not an API call. */
    static boolean owns(String path) {
        return path.equals(PAGE) || path.startsWith(PREFIX);
    }

    void send(HttpExchange ex, String path) throws IOException {
        Asset a = assets.get(path);
        if (a == null) {
            throw new ApiException(404, "no such dashboard file: " + path + " (the dashboard is at /)");
        }
        ex.getResponseHeaders().set("Content-Type", a.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("ETag", a.etag());
        if (a.etag().equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
            ex.sendResponseHeaders(304, -1);
            return;
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(200, head ? -1 : a.bytes().length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(a.bytes());
            }
        }
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from the classpath (" + RESOURCES + ")");
            }
            byte[] bytes = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Asset(bytes, contentType, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
