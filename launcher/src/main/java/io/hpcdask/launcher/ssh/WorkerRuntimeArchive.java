package io.hpcdask.launcher.ssh;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The java runtime for workers that {@code mvn package} makes with jlink ({@value #FILE_NAME}), found on this
 * machine: the path a login node's server was started with, else next to the running jar (a release's {@code lib/}),
 * else in the repository's {@code target/} beside {@code launcher/target/hpc-dask.jar} (a developer's build). Code run
 * from classes (tests) has none, whatever an earlier build left, so what it does never depends on that. Sent to the cluster
 * account like the worker jar ({@link WorkerJarUploader}), and unpacked there by the job script when it is used.
 */
public final class WorkerRuntimeArchive {
    public static final String FILE_NAME = "hpc-dask-worker-runtime-linux-x64.tar.gz";
    /** Set on a login node's server to the archive uploaded there for it. */
    public static final String PROPERTY = "hpcdask.worker.runtime";

    private WorkerRuntimeArchive() {
    }

    /** The archive, when this hpc-dask has one. */
    public static Optional<Path> locate() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isEmpty()) {
            return Optional.of(Path.of(given)).filter(Files::isRegularFile);
        }
        Path jarDir = runningJarDirectory();
        if (jarDir == null) {
            return Optional.empty();
        }
        return Stream.of(jarDir, jarDir.resolve("../../target"))
                .filter(d -> Files.isRegularFile(d.resolve(FILE_NAME)))
                .map(d -> d.resolve(FILE_NAME).normalize())
                .findFirst();
    }

    /** lib/ of a release, launcher/target of a build; null when running from classes. */
    private static Path runningJarDirectory() {
        try {
            Path location = Path.of(WorkerRuntimeArchive.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? location.getParent() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
