package io.hpcdask.server.transport;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs refusals of unauthenticated peers at most once per source address per window (a minute), and at most
 * {@code globalPerWindow} lines per window over all sources; the next line from a source says how many were left out.
 * Whatever a peer chose (its name, its reason) must be escaped by the caller.
 */
final class RefusalLog {
    static final long WINDOW_MILLIS = 60_000;
    private static final int MAX_TRACKED_SOURCES = 4_096;

    private final Logger log;
    private final LongSupplier clock;
    private final int globalPerWindow;
    private final ConcurrentMap<String, Entry> bySource = new ConcurrentHashMap<>();
    private long windowStart;
    private int linesInWindow;
    private long suppressedGlobally;

    private static final class Entry {
        long lastLogged;
        long suppressed;
    }

    RefusalLog(Logger log, LongSupplier clock, int globalPerWindow) {
        this.log = log;
        this.clock = clock;
        this.globalPerWindow = globalPerWindow;
    }

    /** Logs {@code message} (already escaped) about {@code source} unless that source was logged within the window. */
    synchronized void refused(String source, String message) {
        long now = clock.getAsLong();
        if (now - windowStart >= WINDOW_MILLIS) {
            if (suppressedGlobally > 0) {
                log.warn("{} more refusals of unauthenticated connections were not logged in the last minute",
                        suppressedGlobally);
            }
            windowStart = now;
            linesInWindow = 0;
            suppressedGlobally = 0;
            prune(now);
        }
        Entry e = bySource.get(source);
        if (e != null && now - e.lastLogged < WINDOW_MILLIS) {
            e.suppressed++;
            return;
        }
        if (linesInWindow >= globalPerWindow || (e == null && bySource.size() >= MAX_TRACKED_SOURCES)) {
            suppressedGlobally++;
            return;
        }
        if (e == null) {
            e = new Entry();
            bySource.put(source, e);
        }
        long before = e.suppressed;
        e.lastLogged = now;
        e.suppressed = 0;
        linesInWindow++;
        if (before > 0) {
            log.warn("{} ({} more from {} in the last minute were not logged)", message, before, source);
        } else {
            log.warn("{}", message);
        }
    }

    private void prune(long now) {
        for (Iterator<Map.Entry<String, Entry>> it = bySource.entrySet().iterator(); it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (now - e.lastLogged >= 2 * WINDOW_MILLIS) { // a source quiet that long starts afresh
                it.remove();
            }
        }
    }
}
