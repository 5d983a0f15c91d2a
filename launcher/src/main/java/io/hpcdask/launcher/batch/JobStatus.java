package io.hpcdask.launcher.batch;

/**
 * One job's (or one array task's) state with the batch system's own explanation, e.g. SLURM's {@code %R}
 * ("Resources", "JobHeldUser", or the node list while running) or PBS's comment.
 */
public record JobStatus(String jobId, JobState state, String reason) {
    public static JobStatus unknown(String jobId, String why) {
        return new JobStatus(jobId, JobState.UNKNOWN, why);
    }
}
