package io.hpcdask.server.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs a refusal for another protocol version once per version the server's life long: after an upgrade, every
 * worker of a 500-task array of the old version is refused, and one line says all of it. A peer may claim any
 * version, so only the first {@link #MAX_VERSIONS} distinct ones get a line of their own; the rest go through the
 * per-source {@link RefusalLog}.
 */
final class VersionRefusals {
    static final int MAX_VERSIONS = 16;

    private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
    private final RefusalLog fallback;
    private final org.slf4j.Logger log;

    VersionRefusals(org.slf4j.Logger log, RefusalLog fallback) {
        this.log = log;
        this.fallback = fallback;
    }

    /** {@code version} names what the peer claimed (escaped); {@code message} is the line to log (escaped). */
    void refused(String source, String version, String message) {
        AtomicLong count = seen.get(version);
        if (count == null && seen.size() < MAX_VERSIONS) {
            count = seen.computeIfAbsent(version, v -> new AtomicLong());
        }
        if (count == null) {
            fallback.refused(source, message);
        } else if (count.getAndIncrement() == 0) {
            log.warn("{} (logged once; later workers of this version are refused silently)", message);
        }
    }

    /** How many workers claiming {@code version} were refused. */
    long count(String version) {
        AtomicLong c = seen.get(version);
        return c == null ? 0 : c.get();
    }
}
