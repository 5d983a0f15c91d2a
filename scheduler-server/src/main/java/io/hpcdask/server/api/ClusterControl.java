package io.hpcdask.server.api;

/** What the process hosting a scheduler offers beyond {@link SchedulerService}: its status and a way to stop it. */
public interface ClusterControl {
    ClusterStatus status();

    /** Starts an orderly shutdown (workers first, then the scheduler) and returns without waiting for it. */
    void shutdown();
}
