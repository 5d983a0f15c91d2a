package io.hpcdask.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The GPU device ids this worker hands out, one per unit of {@code gpu}. Ids are what CUDA_VISIBLE_DEVICES takes:
 * those the batch system already gave us, else indices of the devices the NVIDIA driver lists.
 */
final class GpuDetector {
    static final Path NVIDIA_GPUS = Path.of("/proc/driver/nvidia/gpus");

    private GpuDetector() {
    }

    /**
     * @param requested the {@code gpu} amount from {@code --resources}, or null to detect
     */
    static List<String> ids(Map<String, String> env, Path driverGpus, Long requested) throws UsageException {
        List<String> visible = visibleDevices(env.get("CUDA_VISIBLE_DEVICES"));
        if (requested == null) {
            return visible != null ? visible : driverDevices(driverGpus);
        }
        int n = Math.toIntExact(requested);
        if (visible == null) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(String.valueOf(i));
            }
            return ids;
        }
        if (visible.size() < n) {
            throw new UsageException("--resources: gpu=" + n + " but CUDA_VISIBLE_DEVICES lists only " + visible.size()
                    + " device(s) (" + String.join(",", visible) + "); give at most gpu=" + visible.size());
        }
        return List.copyOf(visible.subList(0, n));
    }

    /** Null when the variable is unset; SLURM writes NoDevFiles when a job has no GPU. */
    private static List<String> visibleDevices(String value) {
        if (value == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (String part : value.split(",")) {
            String id = part.trim();
            if (!id.isEmpty() && !id.equals("NoDevFiles")) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static List<String> driverDevices(Path driverGpus) {
        if (!Files.isDirectory(driverGpus)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(driverGpus)) {
            long count = entries.count();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(String.valueOf(i));
            }
            return ids;
        } catch (IOException e) {
            return List.of();
        }
    }
}
