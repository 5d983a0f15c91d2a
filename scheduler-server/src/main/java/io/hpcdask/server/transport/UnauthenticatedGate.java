package io.hpcdask.server.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts connections that have not authenticated yet, overall and per source address, so a flood of idle or
 * trickling peers costs at most {@code global} sockets (each with at most one small frame buffered) and one source
 * cannot take them all.
 */
final class UnauthenticatedGate {
    private final int global;
    private final int perSource;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentMap<String, AtomicInteger> bySource = new ConcurrentHashMap<>();

    UnauthenticatedGate(int global, int perSource) {
        if (global <= 0 || perSource <= 0) {
            throw new IllegalArgumentException("connection caps must be positive");
        }
        this.global = global;
        this.perSource = perSource;
    }

    /** Takes a place for a connection from {@code source}; null when admitted, otherwise why not. */
    String tryAdmit(String source) {
        if (total.incrementAndGet() > global) {
            total.decrementAndGet();
            return "over " + global + " connections that have not authenticated";
        }
        AtomicInteger[] counted = new AtomicInteger[1];
        AtomicInteger n = bySource.compute(source, (k, v) -> {
            AtomicInteger c = v == null ? new AtomicInteger() : v;
            if (c.get() < perSource) {
                c.incrementAndGet();
                counted[0] = c;
            }
            return c;
        });
        if (counted[0] == null) {
            bySource.computeIfPresent(source, (k, v) -> v.get() == 0 ? null : v);
            total.decrementAndGet();
            return "over " + perSource + " connections from this address that have not authenticated (" + n.get() + ")";
        }
        return null;
    }

    /** Gives back the place {@link #tryAdmit} took; called once per admitted connection. */
    void release(String source) {
        bySource.computeIfPresent(source, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
        total.decrementAndGet();
    }

    int unauthenticated() {
        return total.get();
    }
}
