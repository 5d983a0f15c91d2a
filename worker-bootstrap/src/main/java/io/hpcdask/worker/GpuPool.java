package io.hpcdask.worker;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which of this worker's GPU ids are free; a run holds its devices until it ends. */
final class GpuPool {
    private final Set<String> free;

    GpuPool(List<String> ids) {
        this.free = new LinkedHashSet<>(ids);
    }

    /**
     * The devices for a run: the ones the scheduler chose, else {@code count} free ones. Null when not enough are
     * free.
     */
    List<String> take(List<String> chosen, long count) {
        if (chosen != null && !chosen.isEmpty()) {
            free.removeAll(chosen);
            return List.copyOf(chosen);
        }
        if (count <= 0) {
            return List.of();
        }
        if (free.size() < count) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (String id : free) {
            if (ids.size() == count) {
                break;
            }
            ids.add(id);
        }
        free.removeAll(ids);
        return ids;
    }

    /** Whether {@link #take} would find the devices now: the chosen ones all free, else {@code count} free ones. */
    boolean available(List<String> chosen, long count) {
        return chosen != null && !chosen.isEmpty() ? free.containsAll(chosen) : free.size() >= count;
    }

    void release(List<String> ids) {
        free.addAll(ids);
    }

    int freeCount() {
        return free.size();
    }
}
