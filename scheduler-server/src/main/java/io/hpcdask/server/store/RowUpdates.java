package io.hpcdask.server.store;

import io.hpcdask.server.core.RunState;
import io.hpcdask.server.core.StateChange;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state changes of one commit folded into one row update per run: a short run starts and ends within one commit
 * window, and its row is then written once instead of twice. Folding does what applying the updates one after the
 * other would (each sets every column but {@code started_at}, set only by a start, and {@code retried} and
 * {@code try_base}, kept when a change has none); its history keeps one transition per change.
 */
final class RowUpdates {
    /** The row as the last change leaves it, with what earlier changes of the same commit set that it keeps. */
    record Row(StateChange last, Long startedAt, Integer retried, Integer tryBase) {
        Row then(StateChange next) {
            return new Row(next, next.to() == RunState.RUNNING ? Long.valueOf(next.timeMillis()) : startedAt,
                    next.retried() == null ? retried : next.retried(), next.tryBase() == null ? tryBase : next.tryBase());
        }

        static Row of(StateChange first) {
            return new Row(first, first.to() == RunState.RUNNING ? Long.valueOf(first.timeMillis()) : null,
                    first.retried(), first.tryBase());
        }
    }

    private final Map<Long, Row> rows = new LinkedHashMap<>();

    void add(StateChange change) {
        rows.merge(change.runId().number(), Row.of(change), (earlier, now) -> earlier.then(change));
    }

    /** One per run, in the order of each run's first change. */
    Collection<Row> rows() {
        return rows.values();
    }

    void clear() {
        rows.clear();
    }
}
