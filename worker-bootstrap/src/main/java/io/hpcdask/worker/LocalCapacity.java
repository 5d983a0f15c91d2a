package io.hpcdask.worker;

import java.util.HashMap;
import java.util.Map;

/**
 * The slots and amounts (cores, memory, named resources) this worker offers, less what its started runs hold. The
 * scheduler sends starts ahead of free capacity, so the worker itself keeps to the same rule the scheduler's core
 * does: a run takes one slot and the amounts it names, and starts only when they are free here. A name this worker
 * does not offer is a cluster-wide resource, counted by the scheduler alone; GPUs are counted by {@link GpuPool}.
 */
final class LocalCapacity {
    private static final String GPU = "gpu";
    private final Map<String, Long> total;
    private final Map<String, Long> free;
    private final int slots;
    private int freeSlots;

    LocalCapacity(Map<String, Long> resources, int slots) {
        this.total = Map.copyOf(resources);
        this.free = new HashMap<>(resources);
        this.slots = slots;
        this.freeSlots = slots;
    }

    /** Why a run asking {@code asks} can never start here, or null when it fits this worker's total. */
    String neverFits(Map<String, Long> asks) {
        if (slots < 1) {
            return "this worker has no slot";
        }
        if (asks == null) {
            return null;
        }
        for (Map.Entry<String, Long> e : asks.entrySet()) {
            Long has = total.get(e.getKey());
            if (has != null && !GPU.equals(e.getKey()) && e.getValue() != null && e.getValue() > has) {
                return "needs " + e.getKey() + "=" + e.getValue() + " but this worker offers " + has;
            }
        }
        return null;
    }

    boolean fits(Map<String, Long> asks) {
        if (freeSlots < 1) {
            return false;
        }
        if (asks != null) {
            for (Map.Entry<String, Long> e : asks.entrySet()) {
                Long has = free.get(e.getKey());
                if (has != null && !GPU.equals(e.getKey()) && e.getValue() != null && e.getValue() > has) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether what a run asking {@code freed} gives back when it ends suffices for a run asking {@code asks}: a slot,
     * and no more of any amount this worker offers (GPUs aside: {@link GpuPool} counts them).
     */
    boolean covers(Map<String, Long> asks, Map<String, Long> freed) {
        if (asks == null) {
            return true;
        }
        for (Map.Entry<String, Long> e : asks.entrySet()) {
            if (total.containsKey(e.getKey()) && !GPU.equals(e.getKey()) && e.getValue() != null
                    && e.getValue() > (freed == null ? 0L : freed.getOrDefault(e.getKey(), 0L))) {
                return false;
            }
        }
        return true;
    }

    void take(Map<String, Long> asks) {
        freeSlots--;
        add(asks, -1);
    }

    void give(Map<String, Long> asks) {
        freeSlots++;
        add(asks, 1);
    }

    int freeSlots() {
        return freeSlots;
    }

    private void add(Map<String, Long> asks, int sign) {
        if (asks == null) {
            return;
        }
        asks.forEach((name, amount) -> {
            if (amount != null && !GPU.equals(name)) {
                free.computeIfPresent(name, (k, v) -> v + sign * amount);
            }
        });
    }
}
