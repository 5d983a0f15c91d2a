package io.hpcdask.launcher.script;

/**
 * Where a worker finds its cluster: the scheduler address it dials, its jar and its token file on the node, and the
 * archive of the java runtime bundled with hpc-dask there (null when this hpc-dask has none to send). Before a
 * cluster runs these are placeholders, quoted like any value so a script printed then is still inert.
 */
public record WorkerEndpoint(String schedulerAddress, String workerJar, String tokenFile, String workerRuntime) {
    public static final WorkerEndpoint PLACEHOLDERS =
            new WorkerEndpoint("<scheduler-address>", "<worker-jar>", "<token-file>", "<worker-runtime>");
}
