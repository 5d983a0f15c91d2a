package io.hpcdask.server;

import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The number of runs in each state, kept as runs are staged and change state, so the dashboard never counts the
 * store's rows. Seeded once from the store; then told of stagings (the store's thread) and state changes (the loop).
 */
final class RunCounts {
    private static final RunState[] STATES = RunState.values();
    private final AtomicLongArray counts = new AtomicLongArray(STATES.length);
    private final AtomicLong version = new AtomicLong();

    /** Replaces every count: the store's counts include the changes told before, which are thus not counted twice. */
    void seed(Map<RunState, Long> fromStore) {
        for (RunState s : STATES) {
            counts.set(s.ordinal(), fromStore.getOrDefault(s, 0L));
        }
        version.incrementAndGet();
    }

    void staged(int n) {
        counts.addAndGet(RunState.STAGED.ordinal(), n);
        version.incrementAndGet();
    }

    void changed(StateChange change) {
        if (change.from() != null) {
            counts.decrementAndGet(change.from().ordinal());
        }
        counts.incrementAndGet(change.to().ordinal());
        version.incrementAndGet();
    }

    /** Grows with every staging and state change. */
    long version() {
        return version.get();
    }

    /** The counts in {@link RunState} order. */
    long[] snapshot() {
        long[] out = new long[STATES.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = counts.get(i);
        }
        return out;
    }

    /** Every state by its label, in {@link RunState} order, zeros included. */
    static Map<String, Long> byLabel(long[] snapshot) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (RunState s : STATES) {
            out.put(s.label(), snapshot[s.ordinal()]);
        }
        return out;
    }
}
