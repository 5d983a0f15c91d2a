package io.hpcdask.launcher.cluster;

import io.hpcdask.server.SchedulerServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** The files of one cluster. The directory is private to its owner (0700): it holds the cluster token. */
public record ClusterDir(String name, Path path) {

    public Path accessFile() {
        return path.resolve("access.json");
    }

    public Path database() {
        return SchedulerServer.databaseFile(path);
    }

    public Path runLogs() {
        return path.resolve(SchedulerServer.RUN_LOGS);
    }

    public Path serverLog() {
        return path.resolve("server.log");
    }

    /** The server process's own stdout and stderr: JVM crashes and anything said before logging starts. */
    public Path serverOut() {
        return path.resolve("server.out");
    }

    public Path workerTokenFile() {
        return path.resolve("worker.token");
    }

    public Path workersDir() {
        return path.resolve("workers");
    }

    public Path libDir() {
        return path.resolve("lib");
    }

    public ClusterDir create() {
        try {
            if (!Files.isDirectory(path)) {
                Files.createDirectories(path);
            }
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
            for (Path sub : new Path[] {runLogs(), workersDir(), libDir()}) {
                Files.createDirectories(sub);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create cluster directory " + path, e);
        }
    }

    public Optional<AccessInfo> readAccess() {
        return AccessInfo.read(accessFile());
    }
}
