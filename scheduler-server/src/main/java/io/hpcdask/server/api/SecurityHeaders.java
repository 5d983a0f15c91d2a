package io.hpcdask.server.api;

import com.sun.net.httpserver.Headers;

/**
 * The headers every answer of {@link ApiServer} carries, whoever asked: the dashboard may not be framed (no
 * clickjacking of its cancel button), runs only its own scripts and styles (a value that slipped into HTML could not
 * run), and its URLs (which once held a login code) are never sent on as a referrer. No {@code Access-Control-Allow-*}
 * header is ever set: another origin's page can send requests, but never read an answer.
 */
final class SecurityHeaders {
    /** Scripts, styles and the event stream from this server only; no inline script, no plugin, no frame. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(Headers h) {
        h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.set("X-Frame-Options", "DENY");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
    }
}
