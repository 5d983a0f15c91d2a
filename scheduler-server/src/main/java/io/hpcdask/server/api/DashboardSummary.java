package io.hpcdask.server.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.hpcdask.server.scaling.Autoscaler;
import java.util.List;
import java.util.Map;

/**
 * One message of the dashboard's {@code summary} topic. The first a client gets is {@code full}: every part is there,
 * {@code series} holds the whole ring. Later ones carry only the parts that changed (a part left out is as it was),
 * {@code series} the samples taken since the last message, {@code workers} the rows that changed and
 * {@code workersGone} the workers that left. {@code states} names the positions of a sample's counts. Times are the
 * server's epoch milliseconds; {@code serverTime} lets a client measure ages against the server's clock.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DashboardSummary(boolean full, long serverTime, String system, List<String> states,
                               Map<String, Long> counts, Long runsVersion, Double throughput, Queue queue,
                               List<Sample> series, List<WorkerRow> workers, List<String> workersGone,
                               List<Autoscaler.PoolView> profiles, List<Autoscaler.JobView> jobs) {

    /**
     * Runs that may start ({@code staged}), runs staged but waiting for others to complete ({@code waiting}), and when
     * the longest-queued one was staged (null: none queued).
     */
    public record Queue(long staged, long waiting, Long oldestStagedAt) {}

    /** The counts per state at second {@code t} (in {@code states}' order), and the runs finished since the start. */
    public record Sample(long t, long finished, List<Long> counts) {}

    /**
     * A connected worker: what it offers and what is in use (slots and each named resource), its GPUs one by one
     * (empty when it declares no device ids), its state (idle, partly used, saturated, draining) and when its lifetime
     * ends (null: never). {@code profile} is its batch job's profile (null for local workers).
     */
    public record WorkerRow(String id, String host, String jobId, String profile, int slots, int slotsUsed,
                            Map<String, Long> resources, Map<String, Long> used, List<Gpu> gpus, String state,
                            boolean draining, Long endTime) {
        WorkerRow withProfile(String p) {
            return new WorkerRow(id, host, jobId, p, slots, slotsUsed, resources, used, gpus, state, draining, endTime);
        }
    }

    /** One GPU of a worker and whether a run holds it. */
    public record Gpu(String id, boolean busy) {}
}
