package io.hpcdask.server.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Dense indexes for resource names, so capacities are arrays rather than maps on the hot path. */
final class ResourceNames {
    static final String GPU = "gpu";
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final int gpu = indexOf(GPU);

    int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) {
            i = names.size();
            index.put(name, i);
            names.add(name);
        }
        return i;
    }

    /** The index of {@code gpu}, the one resource counted by device id. */
    int gpuIndex() {
        return gpu;
    }

    String name(int i) {
        return names.get(i);
    }

    int size() {
        return names.size();
    }
}
