package io.hpcdask.server.scaling;

import java.util.List;

/**
 * Everything the {@link Autoscaler} asks of the world. The caller answers a {@link #submit} with
 * {@link Autoscaler#submitted} or {@link Autoscaler#submissionFailed}; the other effects need no answer.
 */
public interface ScalingEffects {
    /** Submit {@code count} workers of this profile (one job array where the batch system has arrays). */
    void submit(String profile, int count);

    /** Cancel these jobs in the batch system. */
    void cancel(String profile, List<String> jobIds);

    /** Tell a busy worker to take no new runs and exit when its runs end. */
    void drain(String worker);

    /** Retire an idle worker (its job is cancelled as well); the scheduler drains it, see {@link WorkerControl}. */
    void stop(String worker);

    void log(String line);

    /** Scaling of the profile was paused (jobs kept failing without a worker): counted by the metrics. */
    default void paused(String profile) {
    }
}
