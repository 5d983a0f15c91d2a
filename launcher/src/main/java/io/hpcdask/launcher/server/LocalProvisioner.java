package io.hpcdask.launcher.server;

import io.hpcdask.server.scaling.JobState;
import io.hpcdask.server.scaling.JobStatus;
import io.hpcdask.server.scaling.ProvisionException;
import io.hpcdask.server.scaling.Provisioner;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Workers as local processes, for the same autoscaler that drives batch jobs: a "job" is one worker process, its id
 * the one the worker registers with; polling asks the process, cancelling sends it SIGTERM by its pid.
 */
final class LocalProvisioner implements Provisioner {
    private final LocalWorkers workers;
    private final LocalWorkerSpec spec;
    private final String schedulerAddress;
    private final Path jar;

    LocalProvisioner(LocalWorkers workers, LocalWorkerSpec spec, String schedulerAddress, Path jar) {
        this.workers = workers;
        this.spec = spec;
        this.schedulerAddress = schedulerAddress;
        this.jar = jar;
    }

    @Override
    public List<String> submit(String profile, int count) throws ProvisionException {
        try {
            return workers.startJobs(spec, schedulerAddress, jar, count);
        } catch (RuntimeException e) {
            throw new ProvisionException(e.getMessage(), e);
        }
    }

    @Override
    public Map<String, JobStatus> poll(Collection<String> jobIds) {
        Map<String, JobStatus> out = new LinkedHashMap<>();
        for (String id : jobIds) {
            Optional<Process> p = workers.process(id);
            if (p.isEmpty()) {
                continue; // not started here: the scaler writes it off after its missing polls
            }
            Process process = p.get();
            if (process.isAlive()) {
                out.put(id, new JobStatus(id, JobState.RUNNING, "pid " + process.pid()));
            } else {
                int code = process.exitValue();
                out.put(id, new JobStatus(id, code == 0 ? JobState.COMPLETED : JobState.FAILED, "pid " + process.pid()
                        + " exited with " + code));
            }
        }
        return out;
    }

    @Override
    public void cancel(Collection<String> jobIds) {
        for (String id : jobIds) {
            workers.process(id).ifPresent(Process::destroy); // SIGTERM to this pid: the worker kills its runs and exits
        }
    }
}
