package io.hpcdask.launcher.scaling;

import io.hpcdask.launcher.batch.BatchSystem;
import io.hpcdask.launcher.batch.JobOutput;
import io.hpcdask.launcher.batch.JobSubmission;
import io.hpcdask.launcher.batch.SubmittedJobs;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.JobScriptRenderer;
import io.hpcdask.launcher.script.WorkerEndpoint;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.server.scaling.Diagnosis;
import io.hpcdask.server.scaling.JobState;
import io.hpcdask.server.scaling.JobStatus;
import io.hpcdask.server.scaling.ProvisionException;
import io.hpcdask.server.scaling.Provisioner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's {@link Provisioner} on a batch system: each profile's job script, rendered with the running
 * cluster's address, jar and token file, submitted as one array of N tasks (or N jobs where arrays are not allowed).
 */
public final class BatchProvisioner implements Provisioner {
    private final RemoteShell shell;
    private final BatchSystem batch;
    /** Each profile's job script: settings and endpoint are fixed for the cluster's life, so it is rendered once. */
    private final Map<String, String> scripts = new LinkedHashMap<>();
    private volatile boolean arrays;

    public BatchProvisioner(RemoteShell shell, BatchSystem batch, Map<String, Settings> profiles, WorkerEndpoint endpoint,
                            boolean arrays) {
        this.shell = shell;
        this.batch = batch;
        profiles.forEach((name, s) -> scripts.put(name, JobScriptRenderer.render(s, endpoint)));
        this.arrays = arrays;
    }

    /** Whether N workers go as one job array (off for sites that forbid arrays). */
    public void arrays(boolean allowed) {
        this.arrays = allowed;
    }

    /** The script {@code scale} submits for a profile: what {@code print job-script} shows for a running cluster. */
    public String script(String profile) throws ProvisionException {
        String script = scripts.get(profile);
        if (script == null) {
            throw new ProvisionException("this cluster has no profile '" + profile + "'; its profiles: "
                    + String.join(", ", scripts.keySet()));
        }
        return script;
    }

    @Override
    public List<String> submit(String profile, int count) throws ProvisionException {
        String script = script(profile);
        try {
            if (arrays || count == 1) {
                return batch.submit(JobSubmission.of(script).withArray(count)).taskIds();
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                SubmittedJobs one = batch.submit(JobSubmission.of(script));
                ids.addAll(one.taskIds());
            }
            return ids;
        } catch (CommandFailedException e) {
            throw new ProvisionException(e.getMessage(), e);
        }
    }

    @Override
    public Map<String, JobStatus> poll(Collection<String> jobIds) throws ProvisionException {
        Map<String, JobStatus> out = new LinkedHashMap<>();
        try {
            batch.query(jobIds).forEach((id, s) -> {
                // A job the batch system no longer knows is left out: the scaler decides when it has really gone.
                if (s.state() != io.hpcdask.launcher.batch.JobState.UNKNOWN) {
                    out.put(id, new JobStatus(id, JobState.valueOf(s.state().name()), s.reason()));
                }
            });
        } catch (CommandFailedException e) {
            throw new ProvisionException(e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void cancel(Collection<String> jobIds) throws ProvisionException {
        if (jobIds.isEmpty()) {
            return;
        }
        try {
            batch.cancel(jobIds);
        } catch (CommandFailedException e) {
            throw new ProvisionException(e.getMessage(), e);
        }
    }

    @Override
    public Diagnosis diagnose(String jobId) {
        try {
            JobOutput o = batch.output(jobId);
            return o == null ? Diagnosis.NONE : new Diagnosis(o.stderrTail(), o.stdoutFile(), o.stderrFile());
        } catch (CommandFailedException e) {
            return Diagnosis.NONE; // the reason from the poll still stands
        }
    }

    @Override
    public void close() {
        shell.close();
    }
}
