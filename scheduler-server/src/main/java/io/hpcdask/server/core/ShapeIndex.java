package io.hpcdask.server.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The shapes with staged runs, by requirements, each knowing the workers it fits: {@link Shape#candidates} (workers
 * taking runs whose total capacity fits) and {@link Shape#fitsNow} (those with the room free now). Every change of a
 * worker comes through here, so a dispatch decision never scans workers.
 */
final class ShapeIndex {
    private final Map<Map<String, Long>, Shape> shapes = new HashMap<>();
    private final ResourceNames names;

    ShapeIndex(ResourceNames names) {
        this.names = names;
    }

    Shape get(Map<String, Long> requires) {
        return shapes.get(requires);
    }

    Collection<Shape> all() {
        return shapes.values();
    }

    int size() {
        return shapes.size();
    }

    /** The one map instance for these requirements while a shape has them, so shapes are found by identity too. */
    Map<String, Long> intern(Map<String, Long> requires) {
        Shape existing = shapes.get(requires);
        return existing != null ? existing.requires : java.util.Collections.unmodifiableMap(requires);
    }

    /** The shape of {@code requires}; a new one learns which of {@code workers} it fits. */
    Shape open(Map<String, Long> requires, Collection<Worker> workers) {
        Shape s = shapes.get(requires);
        if (s == null) {
            s = new Shape(requires, names);
            for (Worker w : workers) {
                if (w.acceptsRuns() && s.fitsTotal(w)) {
                    s.candidates++;
                }
                if (w.takesDirectStarts() && s.fitsFree(w)) {
                    s.fitsNow.add(w);
                }
            }
            shapes.put(requires, s);
        }
        return s;
    }

    /** A shape whose last staged run left is forgotten. */
    void closeIfEmpty(Shape s) {
        if (s.queue.isEmpty()) {
            shapes.remove(s.requires);
        }
    }

    /** {@code w} joined, taking runs. */
    void takesRuns(Worker w) {
        for (Shape s : shapes.values()) {
            if (s.fitsTotal(w)) {
                s.candidates++;
            }
        }
    }

    /** {@code w} takes no more runs (draining, or gone while it took them). */
    void stopsTakingRuns(Worker w) {
        for (Shape s : shapes.values()) {
            if (s.fitsTotal(w)) {
                s.candidates--;
            }
        }
    }

    /** {@code w} is gone: no shape may pick it. */
    void forget(Worker w) {
        for (Shape s : shapes.values()) {
            s.fitsNow.remove(w);
        }
    }

    /** Keeps every shape's fits-now set current for {@code w}; {@code open}: it may be given runs at all. */
    void refresh(Worker w, boolean open) {
        for (Shape s : shapes.values()) {
            if (open && s.fitsFree(w)) {
                s.fitsNow.add(w);
            } else {
                s.fitsNow.remove(w);
            }
        }
    }

    /** Whether some staged run fits the total capacity of a connected worker taking runs. */
    boolean anyCandidates() {
        for (Shape s : shapes.values()) {
            if (s.candidates > 0) {
                return true;
            }
        }
        return false;
    }
}
