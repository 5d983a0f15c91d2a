package io.hpcdask.launcher.remote;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The hpc-dask distribution this command runs from: one jar holding the CLI, the server and the worker jar. */
public final class ServerDistribution {
    private ServerDistribution() {
    }

    /** The jar to upload to a login node; refuses when this code does not run from the packaged jar. */
    public static Path jar() {
        Path location;
        try {
            location = Path.of(ServerDistribution.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new RemoteServerException("cannot tell which jar this hpc-dask runs from (" + e.getMessage()
                    + "); run the packaged launcher/target/hpc-dask.jar");
        }
        if (!Files.isRegularFile(location) || !location.toString().endsWith(".jar")) {
            throw new RemoteServerException("a scheduler server on the login node needs the packaged distribution, but this"
                    + " hpc-dask runs from " + location + "; build it with 'mvn -DskipTests package' and use ./hpc-dask,"
                    + " or keep the server here with --server here");
        }
        return location;
    }
}
