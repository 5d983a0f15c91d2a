package io.hpcdask.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who may see the dashboard: one-time login codes, issued to a holder of the API token, each exchanged once for a
 * browser session. Both are 256 random bits, kept only as their SHA-256 (a leaked memory dump or a timing of the map
 * lookup gives away no usable secret). A code is good for {@link #CODE_MILLIS}, a session for {@link #SESSION_MILLIS}
 * after its login; both end with the server. Time is passed in, so the rules are tested without waiting.
 */
final class DashboardAccess {
    /** How long a login code may wait for its use: long enough to open a browser, short enough to be useless later. */
    static final long CODE_MILLIS = 60_000;
    /** A working day: a dashboard left open overnight asks for a new link (`hpc-dask dashboard`). */
    static final long SESSION_MILLIS = 12 * 3600_000L;
    /** Bounds on what is kept; beyond them the oldest go first, so a flood of logins cannot grow the heap. */
    static final int MAX_CODES = 64;
    static final int MAX_SESSIONS = 256;
    /** The session cookie's name before this server's own suffix. */
    static final String COOKIE_PREFIX = "hpc_dask_session_";

    private final SecureRandom random = new SecureRandom();
    private final long codeMillis;
    /**
     * Cookies are kept per host, not per port: two clusters' dashboards on 127.0.0.1 would overwrite each other's
     * cookie under one name, so each server names its own.
     */
    private final String cookieName;
    /** hash of a code or session -> when it stops being valid; insertion order is age. */
    private final Map<String, Long> codes = new LinkedHashMap<>();
    private final Map<String, Long> sessions = new LinkedHashMap<>();

    DashboardAccess() {
        this(CODE_MILLIS);
    }

    DashboardAccess(long codeMillis) {
        this.codeMillis = codeMillis;
        byte[] suffix = new byte[6];
        random.nextBytes(suffix);
        this.cookieName = COOKIE_PREFIX + java.util.HexFormat.of().formatHex(suffix);
    }

    String cookieName() {
        return cookieName;
    }

    /** A new login code, valid from {@code now} for the code lifetime. */
    synchronized String issueCode(long now) {
        String code = secret();
        put(codes, hash(code), now + codeMillis, MAX_CODES, now);
        return code;
    }

    long codeMillis() {
        return codeMillis;
    }

    /** A new session for {@code code} when it was issued, is unused and not expired; the code is used up either way. */
    synchronized Optional<String> exchange(String code, long now) {
        if (code == null || code.isEmpty()) {
            return Optional.empty();
        }
        Long until = codes.remove(hash(code));
        if (until == null || now >= until) {
            return Optional.empty();
        }
        String session = secret();
        put(sessions, hash(session), now + SESSION_MILLIS, MAX_SESSIONS, now);
        return Optional.of(session);
    }

    /** True when {@code session} (a cookie's value) is a live session. */
    synchronized boolean validSession(String session, long now) {
        if (session == null || session.isEmpty()) {
            return false;
        }
        Long until = sessions.get(hash(session));
        return until != null && now < until;
    }

    private static void put(Map<String, Long> map, String key, long until, int max, long now) {
        map.values().removeIf(u -> now >= u);
        for (Iterator<String> oldest = map.keySet().iterator(); map.size() >= max && oldest.hasNext(); ) {
            oldest.next();
            oldest.remove();
        }
        map.put(key, until);
    }

    private String secret() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String hash(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The value of the cookie {@code name} in {@code Cookie} request headers, or null. */
    static String sessionFromCookies(java.util.List<String> cookieHeaders, String name) {
        if (cookieHeaders == null) {
            return null;
        }
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                if (p.startsWith(name + "=")) {
                    return p.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    /** The {@code Set-Cookie} value of a new session: never readable by scripts, never sent by another site's page. */
    String setCookie(String session) {
        // no Secure: the listener is plain http on 127.0.0.1 (or a port forward to it), where a browser would drop it
        return cookieName + "=" + session + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + SESSION_MILLIS / 1000;
    }
}
