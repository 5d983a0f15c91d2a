package io.hpcdask.server.scaling;

/** One job as a poll of the batch system saw it; {@code reason} is the batch system's own text (SLURM's %R). */
public record JobStatus(String jobId, JobState state, String reason) {}
