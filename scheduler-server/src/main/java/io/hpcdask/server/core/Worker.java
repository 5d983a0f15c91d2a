package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A connected worker's capacity and what is committed on it. It keeps its own take/give accounting, so a slot, an
 * amount or a gpu id is taken and given back in one place, nowhere else.
 */
final class Worker {
    final WorkerSpec spec;
    final int order;
    final long[] capacity;
    final long[] free;
    final int slots;
    int freeSlots;
    final List<String> gpuIds;
    final BitSet freeGpus = new BitSet();
    final Map<RunId, Run> runs = new LinkedHashMap<>();
    /** Runs sent ahead here, not yet reported started: they hold nothing until they are ({@link Run#ahead}). */
    final Map<RunId, Run> ahead = new LinkedHashMap<>();
    /** How fast it gets through its runs: how many it may hold ahead when that is adaptive ({@link AheadRuns}). */
    final RunPace pace = new RunPace();
    boolean draining;
    /** The starving run this worker is kept free for; nothing else starts here meanwhile. */
    Run reservedFor;

    Worker(WorkerSpec spec, int order, long[] capacity, int slots, List<String> gpuIds) {
        this.spec = spec;
        this.order = order;
        this.capacity = capacity;
        this.free = capacity.clone();
        this.slots = slots;
        this.freeSlots = slots;
        this.gpuIds = gpuIds;
        this.freeGpus.set(0, gpuIds.size());
    }

    /** A worker from its registration; gpu ids are numbered 0.. when it names an amount of gpus but no ids. */
    static Worker of(WorkerSpec spec, int order, ResourceNames names) {
        List<String> gpuIds = spec.gpuIds();
        Long gpuAmount = spec.resources().get(ResourceNames.GPU);
        if (gpuIds.isEmpty() && gpuAmount != null && gpuAmount > 0) {
            List<String> numbered = new ArrayList<>();
            for (int i = 0; i < gpuAmount; i++) {
                numbered.add(Integer.toString(i));
            }
            gpuIds = numbered;
        }
        spec.resources().keySet().forEach(names::indexOf);
        int gpuIndex = names.indexOf(ResourceNames.GPU);
        long[] capacity = new long[names.size()];
        spec.resources().forEach((k, v) -> capacity[names.indexOf(k)] = v);
        capacity[gpuIndex] = gpuIds.size();
        long cores = spec.resources().getOrDefault("cores", 1L);
        int slots = spec.slots() > 0 ? spec.slots() : (int) Math.max(1, Math.min(Integer.MAX_VALUE, cores));
        return new Worker(spec, order, capacity, slots, gpuIds);
    }

    WorkerId name() {
        return spec.name();
    }

    long capacityOf(int index) {
        return index < capacity.length ? capacity[index] : 0;
    }

    long freeOf(int index) {
        return index < free.length ? free[index] : 0;
    }

    boolean acceptsRuns() {
        return !draining;
    }

    /**
     * Whether a run may be started here directly: with runs sent ahead waiting, the worker starts those itself as its
     * capacity frees, so a direct start could find the slot taken by one whose start report is on its way.
     */
    boolean takesDirectStarts() {
        return acceptsRuns() && reservedFor == null && ahead.isEmpty();
    }

    /**
     * A run sent ahead here started: it takes its assignment (which names no gpu) whatever is free, since its process
     * runs; false when that went beyond the free capacity (the worker keeps its own limits, so this is a bug).
     */
    boolean holdStarted(Run run, ResourceNames names) {
        boolean fits = freeSlots >= 1;
        for (Map.Entry<String, Long> e : run.assignment.resources().entrySet()) {
            int i = names.indexOf(e.getKey());
            fits &= freeOf(i) >= e.getValue();
            if (i < free.length) {
                free[i] -= e.getValue();
            }
        }
        freeSlots--;
        ahead.remove(run.id);
        runs.put(run.id, run);
        run.on = this;
        return fits;
    }

    /** Whether this worker offers a gpu amount it did not name itself (ids only). */
    boolean gpusFromIds() {
        return !gpuIds.isEmpty() && !spec.resources().containsKey(ResourceNames.GPU);
    }

    /**
     * Takes a slot and the amounts of {@code s} (which must fit free) for {@code run}; gpus are the lowest free ids.
     * Returns the assignment.
     */
    Assignment take(Run run, Shape s, ResourceNames names) {
        List<String> gpus = List.of();
        for (int i = 0; i < s.index.length; i++) {
            free[s.index[i]] -= s.amount[i];
            if (s.index[i] == names.gpuIndex()) {
                gpus = new ArrayList<>();
                for (long k = 0; k < s.amount[i]; k++) {
                    int bit = freeGpus.nextSetBit(0);
                    freeGpus.clear(bit);
                    gpus.add(gpuIds.get(bit));
                }
            }
        }
        freeSlots--;
        runs.put(run.id, run);
        run.on = this;
        return new Assignment(run.requires, gpus);
    }

    /**
     * Takes exactly {@code run}'s recorded assignment (a run this worker still holds after a reconnect or a restart);
     * false, taking nothing, when it no longer fits free here.
     */
    boolean adopt(Run run, ResourceNames names) {
        Assignment a = run.assignment;
        if (freeSlots < 1 || !acceptsRuns()) {
            return false;
        }
        for (Map.Entry<String, Long> e : a.resources().entrySet()) {
            if (freeOf(names.indexOf(e.getKey())) < e.getValue()) {
                return false;
            }
        }
        for (String id : a.gpuIds()) {
            int bit = gpuIds.indexOf(id);
            if (bit < 0 || !freeGpus.get(bit)) {
                return false;
            }
        }
        for (Map.Entry<String, Long> e : a.resources().entrySet()) {
            free[names.indexOf(e.getKey())] -= e.getValue();
        }
        for (String id : a.gpuIds()) {
            freeGpus.clear(gpuIds.indexOf(id));
        }
        freeSlots--;
        runs.put(run.id, run);
        run.on = this;
        return true;
    }

    /** Gives back what {@code run} took here. */
    void give(Run run, ResourceNames names) {
        for (Map.Entry<String, Long> e : run.assignment.resources().entrySet()) {
            free[names.indexOf(e.getKey())] += e.getValue();
        }
        for (String id : run.assignment.gpuIds()) {
            freeGpus.set(gpuIds.indexOf(id));
        }
        freeSlots++;
        runs.remove(run.id);
        run.on = null;
    }

    /** Total capacity by name, gpus counted by id. */
    Map<String, Long> capacityMap(ResourceNames names) {
        Map<String, Long> m = new TreeMap<>();
        spec.resources().forEach((k, v) -> m.put(k, capacityOf(names.indexOf(k))));
        if (!gpuIds.isEmpty()) {
            m.put(ResourceNames.GPU, (long) gpuIds.size());
        }
        return m;
    }

    /** What the runs here hold, by name, beside {@link #capacityMap}. */
    Map<String, Long> usedMap(ResourceNames names) {
        Map<String, Long> used = new TreeMap<>();
        for (Map.Entry<String, Long> e : capacityMap(names).entrySet()) {
            used.put(e.getKey(), e.getValue() - freeOf(names.indexOf(e.getKey())));
        }
        return used;
    }

    /** idle, partly used, saturated (no slot free) or draining; what {@code hpc-dask workers} shows. */
    String stateLabel() {
        if (draining) {
            return "draining";
        }
        if (freeSlots == slots) {
            return "idle";
        }
        return freeSlots == 0 ? "saturated" : "partly used";
    }
}
