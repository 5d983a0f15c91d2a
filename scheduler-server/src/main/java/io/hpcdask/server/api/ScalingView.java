package io.hpcdask.server.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.hpcdask.server.scaling.Autoscaler;
import java.util.List;

/**
 * Every worker pool (target, counts, why it is paused) and every batch job of a cluster. {@code serverTime} is the
 * server's clock when the view was taken, so clients measure the jobs' times against it, not their own clock (0 from
 * servers older than the field).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScalingView(String system, List<Autoscaler.PoolView> pools, List<Autoscaler.JobView> jobs, long serverTime) {
    public static ScalingView none(String system) {
        return new ScalingView(system, List.of(), List.of(), System.currentTimeMillis());
    }
}
