package io.hpcdask.server.api;

import io.hpcdask.server.provision.Autoscaler;
import java.util.List;

/** Every worker pool (target, counts, why it is paused) and every batch job of a cluster. */
public record ScalingView(String system, List<Autoscaler.PoolView> pools, List<Autoscaler.JobView> jobs) {
    public static ScalingView none(String system) {
        return new ScalingView(system, List.of(), List.of());
    }
}
