package io.hpcdask.launcher.script;

/**
 * Where a worker finds its cluster: the scheduler address it dials, its jar and its token file on the node.
 * Before a cluster runs these are placeholders, quoted like any value so a script printed then is still inert.
 */
public record WorkerEndpoint(String schedulerAddress, String workerJar, String tokenFile) {
    public static final WorkerEndpoint PLACEHOLDERS =
            new WorkerEndpoint("<scheduler-address>", "<worker-jar>", "<token-file>");
}
