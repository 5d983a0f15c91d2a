package io.hpcdask.server.core;

import java.util.List;
import java.util.Map;

/**
 * What one run holds on its worker: the amounts it named and the specific GPU device ids behind its {@code gpu}
 * amount. Every run also holds one slot, which is implied.
 */
public record Assignment(Map<String, Long> resources, List<String> gpuIds) {
    public static final Assignment NONE = new Assignment(Map.of(), List.of());

    public Assignment {
        resources = Map.copyOf(resources);
        gpuIds = List.copyOf(gpuIds);
    }
}
