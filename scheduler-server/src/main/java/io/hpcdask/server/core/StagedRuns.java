package io.hpcdask.server.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The staged runs that may start, each in the queue of its shape ({@link ShapeIndex}): how many, the oldest, and how
 * many per shape, the demand scaling reads after every batch, rebuilt only when a queue changed since it last read it.
 */
final class StagedRuns {
    private final ShapeIndex shapes;
    private int count;
    private Map<Map<String, Long>, Integer> byShape = Map.of();
    private boolean changedSinceByShape;
    private long added;

    StagedRuns(ShapeIndex shapes) {
        this.shapes = shapes;
    }

    /** {@code run} joins its shape's queue; a new shape learns which of {@code workers} it fits. */
    void add(Run run, Collection<Worker> workers) {
        Shape s = shapes.open(run.requires, workers);
        Run oldHead = s.head();
        s.queue.put(run.rank, run);
        if (run.rank <= s.reportedThrough) { // ranked before runs already reported: blocked() looks again from here
            s.reportedThrough = run.rank - 1;
        }
        if (oldHead != null && oldHead.reserved != null && s.head() == run) {
            // the reservation belongs to whoever heads the shape, or the reserved worker would idle for nobody
            Worker w = oldHead.reserved;
            oldHead.reserved = null;
            w.reservedFor = run;
            run.reserved = w;
            run.passedOver = oldHead.passedOver;
        }
        count++;
        added++;
        changedSinceByShape = true;
    }

    /** {@code run} (queued in {@code s}) leaves its queue: it starts or ends. */
    void remove(Shape s, Run run) {
        s.queue.remove(run.rank);
        count--;
        changedSinceByShape = true;
        shapes.closeIfEmpty(s);
    }

    void remove(Run run) {
        remove(shapes.get(run.requires), run);
    }

    int count() {
        return count;
    }

    /** How many runs have joined a queue so far: while it stands still, no shape's count in {@link #byShape} grew. */
    long added() {
        return added;
    }

    /** How many runs are queued per requirements; an unchanging map, the same one while no queue changed. */
    Map<Map<String, Long>, Integer> byShape() {
        if (changedSinceByShape) {
            changedSinceByShape = false;
            Map<Map<String, Long>, Integer> counts = new HashMap<>();
            for (Shape s : shapes.all()) {
                if (!s.queue.isEmpty()) {
                    counts.put(s.requires, s.queue.size());
                }
            }
            byShape = Map.copyOf(counts);
        }
        return byShape;
    }

    /**
     * When the longest-queued run was staged ({@link Long#MAX_VALUE} when none is queued): per shape, the first run of
     * each priority level is the oldest of that level, so this costs O(shapes x priority levels x log runs).
     */
    long oldestQueuedAt() {
        long oldest = Long.MAX_VALUE;
        for (Shape s : shapes.all()) {
            Map.Entry<Long, Run> e = s.queue.firstEntry();
            while (e != null) {
                oldest = Math.min(oldest, e.getValue().stagedAt);
                long level = e.getKey() >>> 42; // the rank's priority bits: the next level starts past them
                e = s.queue.ceilingEntry((level + 1) << 42);
            }
        }
        return oldest;
    }
}
