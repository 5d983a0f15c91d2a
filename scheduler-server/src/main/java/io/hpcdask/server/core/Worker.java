package io.hpcdask.server.core;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A connected worker's capacity and what is committed on it; only {@link SchedulerCore} changes it. */
final class Worker {
    final WorkerSpec spec;
    final int order;
    final long[] capacity;
    final long[] free;
    final int slots;
    int freeSlots;
    final List<String> gpuIds;
    final BitSet freeGpus = new BitSet();
    final Map<String, Run> runs = new LinkedHashMap<>();
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

    String name() {
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
