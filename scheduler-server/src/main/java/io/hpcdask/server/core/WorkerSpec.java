package io.hpcdask.server.core;

import java.util.List;
import java.util.Map;

/**
 * What a worker offers when it joins. {@code resources} holds {@code cores}, {@code memory} (bytes) and every named
 * resource. {@code gpuIds} are the devices behind {@code gpu}; when empty and {@code gpu=N} is given, the devices are
 * numbered 0..N-1. {@code slots} of 0 or less means one slot per core.
 */
public record WorkerSpec(String name, String host, String jobId, Map<String, Long> resources, int slots,
                         List<String> gpuIds, long endTimeMillis) {
    public WorkerSpec {
        resources = Map.copyOf(resources);
        gpuIds = List.copyOf(gpuIds);
    }
}
