package io.hpcdask.server.core;

import io.hpcdask.server.ids.WorkerId;
import java.util.List;
import java.util.Map;

/**
 * What a worker offers when it joins. {@code resources} holds {@code cores}, {@code memory} (bytes) and every named
 * resource. {@code gpuIds} are the devices behind {@code gpu}; when empty and {@code gpu=N} is given, the devices are
 * numbered 0..N-1. {@code slots} of 0 or less means one slot per core. {@code leaseMillis} is the worker's lease
 * (it kills its runs when it has not heard from the scheduler that long); 0 when it did not say.
 */
public record WorkerSpec(WorkerId name, String host, String jobId, Map<String, Long> resources, int slots,
                         List<String> gpuIds, long endTimeMillis, long leaseMillis) {
    public WorkerSpec {
        resources = Map.copyOf(resources);
        gpuIds = List.copyOf(gpuIds);
    }

    public WorkerSpec(WorkerId name, String host, String jobId, Map<String, Long> resources, int slots,
                      List<String> gpuIds, long endTimeMillis) {
        this(name, host, jobId, resources, slots, gpuIds, endTimeMillis, 0);
    }
}
