package io.hpcdask.server.core;

import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connected workers in join order and how many of them take runs. Every change of a worker's openness goes
 * through here, so the shapes' fits-now sets ({@link ShapeIndex}) and the names on offer ({@link WaitReasons}) follow
 * it; what a worker holds is its own ({@link Worker}).
 */
final class WorkerPool {
    private final Map<WorkerId, Worker> workers = new LinkedHashMap<>();
    private final ResourceNames names;
    private final ShapeIndex shapes;
    private final WaitReasons reasons;
    private int accepting;
    private int nextOrder;

    WorkerPool(ResourceNames names, ShapeIndex shapes, WaitReasons reasons) {
        this.names = names;
        this.shapes = shapes;
        this.reasons = reasons;
    }

    Worker get(WorkerId name) {
        return workers.get(name);
    }

    Collection<Worker> all() {
        return workers.values();
    }

    Set<WorkerId> names() {
        return workers.keySet();
    }

    int size() {
        return workers.size();
    }

    boolean isEmpty() {
        return workers.isEmpty();
    }

    /** Connected workers taking runs (not draining). */
    int accepting() {
        return accepting;
    }

    /** A worker registered (any earlier connection under its name removed first): it takes runs. */
    Worker join(WorkerSpec spec) {
        Worker w = Worker.of(spec, nextOrder++, names);
        workers.put(w.name(), w);
        accepting++;
        reasons.offered(w);
        shapes.takesRuns(w);
        refresh(w);
        return w;
    }

    /** {@code w} is gone: no shape may pick it; what it held is the caller's to settle. */
    void remove(Worker w) {
        if (w.acceptsRuns()) {
            shapes.stopsTakingRuns(w);
        }
        shapes.forget(w);
        workers.remove(w.name());
        if (w.acceptsRuns()) {
            accepting--;
        }
        reasons.withdrawn(w);
    }

    /** {@code w} drains: it takes no new runs. */
    void stopTakingRuns(Worker w) {
        shapes.stopsTakingRuns(w);
        w.draining = true;
        accepting--;
    }

    /** Whether {@code w} is the connection registered under its name now (not one replaced or gone). */
    boolean connected(Worker w) {
        return workers.get(w.name()) == w;
    }

    /** Keeps every shape's set of workers-that-fit-now current for one worker. */
    void refresh(Worker w) {
        shapes.refresh(w, w.acceptsRuns() && w.reservedFor == null && connected(w));
    }

    /** Workers not yet draining whose end time has come at {@code now}. */
    List<WorkerId> pastEndTime(long now) {
        List<WorkerId> ended = new ArrayList<>();
        for (Worker w : workers.values()) {
            long end = w.spec.endTimeMillis();
            if (!w.draining && end > 0 && end <= now) {
                ended.add(w.name());
            }
        }
        return ended;
    }

    /** The worker taking runs, reserved for none, whose total capacity fits {@code s}, with the fewest runs. */
    Worker leastBusyFitting(Shape s) {
        Worker best = null;
        for (Worker w : workers.values()) {
            if (w.acceptsRuns() && w.reservedFor == null && s.fitsTotal(w)
                    && (best == null || w.runs.size() < best.runs.size())) {
                best = w;
            }
        }
        return best;
    }

    /** What {@code hpc-dask workers} shows, in join order. */
    List<CoreWorker> views() {
        List<CoreWorker> views = new ArrayList<>();
        for (Worker w : workers.values()) {
            views.add(new CoreWorker(w.name(), w.spec.host(), w.spec.jobId(), w.capacityMap(names), w.usedMap(names), w.slots,
                    w.slots - w.freeSlots, w.gpuIds, w.stateLabel(), w.spec.endTimeMillis(),
                    List.copyOf(w.runs.keySet()), w.reservedFor == null ? null : w.reservedFor.id));
        }
        return views;
    }
}
