package io.hpcdask.launcher.batch;

import java.util.List;

/**
 * The batch system's answer to one submission: its job id (for an array, the array's id) and the ids to follow
 * each started task by ({@code JOBID_TASK} on SLURM, {@code 1234[0].server} on PBS; the job id itself when not
 * an array).
 */
public record SubmittedJobs(String jobId, List<String> taskIds) {
    public SubmittedJobs {
        taskIds = List.copyOf(taskIds);
    }
}
