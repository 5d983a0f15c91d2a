package io.hpcdask.launcher.batch;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One batch system (SLURM, PBS, local processes), holding only what differs between them. Failures of the
 * underlying commands throw {@link io.hpcdask.launcher.ssh.RemoteCommandException} carrying the command, its exit
 * status, stdout and stderr verbatim.
 */
public interface BatchSystem {

    /** {@code slurm}, {@code pbs} or {@code local}. */
    String name();

    /** Submits once; never retried blindly (a lost answer could otherwise start the workers twice). */
    SubmittedJobs submit(JobSubmission submission);

    /** The states of many jobs or array tasks in as few calls as the system allows; every id asked is answered. */
    Map<String, JobStatus> query(Collection<String> jobIds);

    void cancel(Collection<String> jobIds);

    /**
     * Where a job's stdout and stderr files are (patterns such as {@code %j} resolved) and the last lines of its
     * stderr, to show why it failed (wrong java, unreachable scheduler, a bad module line) and where to look; null
     * when the batch system does not say.
     */
    default JobOutput output(String jobId) {
        return null;
    }

    /**
     * The host of the batch system's controller ({@code SlurmctldHost}, the PBS server) as the batch system names it,
     * an address when it gives one; workers' traffic follows the same network, so the scheduler listens on the
     * interface that routes toward it. Empty when unknown.
     */
    default java.util.Optional<String> controllerHost() {
        return java.util.Optional.empty();
    }

    /** Commands that must be on the PATH (doctor checks them). */
    List<String> requiredCommands();

    /** A command that prints the batch system's version. */
    String versionCommand();

    /**
     * Has the batch system accept the script without running it ({@code sbatch --test-only}, a held PBS job
     * deleted again) and returns its answer in one line; throws if refused.
     */
    String testSubmission(JobSubmission submission);
}
