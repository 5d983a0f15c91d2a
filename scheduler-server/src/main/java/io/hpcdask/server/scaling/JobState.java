package io.hpcdask.server.scaling;

/** The state of a worker's batch job, as the batch system reports it. */
public enum JobState {
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED,
    TIMEOUT,
    UNKNOWN;

    /** Pending or running: the job holds or will hold a worker. */
    public boolean isLive() {
        return this == PENDING || this == RUNNING;
    }
}
