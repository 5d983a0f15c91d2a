package io.hpcdask.server.api;

/** What the process hosting a scheduler offers beyond {@link SchedulerService}: its status, scaling, and a way to stop it. */
public interface ClusterControl {
    ClusterStatus status();

    /** Starts an orderly shutdown (workers first, then the scheduler) and returns without waiting for it. */
    void shutdown();

    /** Sets a profile's number of workers; answers once its first submission (if any) has an answer. */
    default ScaleResult scale(ScaleRequest request) {
        throw new ApiException(409, "this cluster's workers are local processes started by 'cluster up --workers N'; "
                + "scale needs a cluster started with --system slurm or --system pbs");
    }

    /** Makes a profile follow demand, or stop; answers like {@link #scale}. */
    default ScaleResult adapt(AdaptRequest request) {
        throw new ApiException(409, "this cluster cannot start workers by itself");
    }

    default ScalingView scaling() {
        return ScalingView.none("local");
    }

    /** The job script {@code scale} submits for a profile, with this cluster's address, jar and token file. */
    default String jobScript(String profile) {
        throw new ApiException(409, "this cluster submits no job scripts: its workers are local processes");
    }
}
