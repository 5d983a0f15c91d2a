package io.hpcdask.server.scaling;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * How the scheduler gets workers, without knowing how: the launcher implements it with its batch systems (SLURM,
 * PBS, local processes), over SSH or not. Calls may block; the {@link ScalingLoop} makes them on its own thread.
 */
public interface Provisioner extends AutoCloseable {
    /** Submits {@code count} workers of the profile and returns one id per worker (array tasks each have one). */
    List<String> submit(String profile, int count) throws ProvisionException;

    /** The state of every given job, in one call to the batch system; a job it no longer knows is left out. */
    Map<String, JobStatus> poll(Collection<String> jobIds) throws ProvisionException;

    void cancel(Collection<String> jobIds) throws ProvisionException;

    /**
     * More about why a job failed than the batch system says (e.g. the end of its stderr file) and where its output
     * went; {@link Diagnosis#NONE} when the batch system says nothing.
     */
    default Diagnosis diagnose(String jobId) {
        return Diagnosis.NONE;
    }

    @Override
    default void close() {
    }
}
