package io.hpcdask.server.core;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * All staged runs with the same requirements. Runs of one shape fit exactly the same workers, so the core decides per
 * shape: {@link #fitsNow} holds the workers with enough free capacity (kept current on every change of a worker), and
 * a shape whose head cannot start needs no look at the rest of its queue.
 */
final class Shape {
    static final Comparator<Worker> BY_JOIN_ORDER = Comparator.comparingInt(w -> w.order);

    final Map<String, Long> requires;
    /** The requirements as logs show them, formatted once. */
    final String label;
    final int[] index;
    final long[] amount;
    /** Staged runs by rank: higher priority first, then staging order ({@link Run#rank}). */
    final TreeMap<Long, Run> queue = new TreeMap<>();
    final TreeSet<Worker> fitsNow = new TreeSet<>(BY_JOIN_ORDER);
    /** Workers taking runs whose total capacity fits this shape. */
    int candidates;
    /** Runs up to this rank (priority, then staging number) were reported as unable to start anywhere. */
    long reportedThrough = -1;

    Shape(Map<String, Long> requires, ResourceNames names) {
        this.requires = requires;
        this.label = DaskTags.format(requires);
        this.index = new int[requires.size()];
        this.amount = new long[requires.size()];
        int i = 0;
        for (Map.Entry<String, Long> e : requires.entrySet()) {
            index[i] = names.indexOf(e.getKey());
            amount[i] = e.getValue();
            i++;
        }
    }

    boolean fitsTotal(Worker w) {
        if (w.slots < 1) {
            return false;
        }
        for (int i = 0; i < index.length; i++) {
            if (w.capacityOf(index[i]) < amount[i]) {
                return false;
            }
        }
        return true;
    }

    boolean fitsFree(Worker w) {
        if (w.freeSlots < 1) {
            return false;
        }
        for (int i = 0; i < index.length; i++) {
            if (w.freeOf(index[i]) < amount[i]) {
                return false;
            }
        }
        return true;
    }

    Run head() {
        Map.Entry<Long, Run> e = queue.firstEntry();
        return e == null ? null : e.getValue();
    }
}
