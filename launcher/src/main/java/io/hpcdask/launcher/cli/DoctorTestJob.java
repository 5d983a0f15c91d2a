package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.batch.JobSubmission;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.JobScriptRenderer;
import io.hpcdask.launcher.script.WorkerEndpoint;

/**
 * The job doctor asks the batch system to accept, never to run: the profile's own worker script, so a bad queue,
 * account or directive shows here rather than at the first {@code scale}. Local jobs do run, so they get a no-op.
 */
public final class DoctorTestJob {
    private DoctorTestJob() {
    }

    public static JobSubmission of(Settings settings) {
        if (settings.system().equals("local")) {
            return JobSubmission.of("#!/usr/bin/env bash\ntrue\n");
        }
        return JobSubmission.of(JobScriptRenderer.render(settings, WorkerEndpoint.PLACEHOLDERS));
    }
}
