package io.hpcdask.server.core;

import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small builders for workers and runs in core tests. */
final class CoreFixtures {
    private CoreFixtures() {}

    static WorkerSpec worker(String name, int slots, Map<String, Long> named) {
        Map<String, Long> resources = new HashMap<>(named);
        resources.putIfAbsent("cores", (long) slots);
        resources.putIfAbsent("memory", 16L << 30);
        return new WorkerSpec(WorkerId.of(name), "host-" + name, "", resources, slots, List.of(), Long.MAX_VALUE);
    }

    static WorkerSpec gpuWorker(String name, int slots, List<String> gpuIds) {
        return new WorkerSpec(WorkerId.of(name), "host-" + name, "42", Map.of("cores", (long) slots, "memory", 1L << 30), slots,
                gpuIds, Long.MAX_VALUE);
    }

    static NewRun<Object> run(String id, Map<String, Long> requires) {
        return new NewRun<>(RunId.of(id), requires, "payload-" + id);
    }

    static NewRun<Object> run(String id, Map<String, Long> requires, RunPolicy policy) {
        return new NewRun<>(RunId.of(id), requires, "payload-" + id, policy);
    }

    static RunPolicy priority(int priority) {
        return new RunPolicy(priority, 0, 0, 0, List.of());
    }

    static RunPolicy after(String... ids) {
        return new RunPolicy(0, 0, 0, 0, java.util.Arrays.stream(ids).map(RunId::of).toList());
    }

    static SchedulerCore<Object> core(RecordingOutbox out, Map<String, Long> declared) {
        return new SchedulerCore<>(new CoreConfig(declared, 3, 5, 0), out);
    }
}
