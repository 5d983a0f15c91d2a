package io.hpcdask.launcher.batch;

/** What became of a job, in the same words for every batch system. */
public enum JobState {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, UNKNOWN;

    /** True once the job can no longer change state. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == TIMEOUT;
    }
}
