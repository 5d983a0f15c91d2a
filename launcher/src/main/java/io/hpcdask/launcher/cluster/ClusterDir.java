package io.hpcdask.launcher.cluster;

import io.hpcdask.server.files.PrivateFiles;
import io.hpcdask.server.SchedulerServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The files of one cluster. The directory is private to its owner (0700): it holds the cluster token. */
public record ClusterDir(String name, Path path) {

    public Path accessFile() {
        return path.resolve("access.json");
    }

    public Path database() {
        // the constant, not SchedulerServer.databaseFile: that would initialise the server class and with it logging
        // (logback reading its XML config), a quarter of a second for a command that only asks whether the file exists
        return path.resolve(SchedulerServer.DATABASE);
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

    /**
     * Creates the directory and its subdirectories 0700 (missing parents too, whatever the umask), or checks an existing
     * one is the user's own and writable by no one else.
     *
     * @throws UntrustedFileException when it exists but belongs to someone else or others may write it
     */
    public ClusterDir create() {
        try {
            if (Files.isDirectory(path)) {
                verify();
            } else {
                PrivateFiles.createDirectories(path);
            }
            Files.setPosixFilePermissions(path, PrivateFiles.DIR);
            for (Path sub : new Path[] {runLogs(), workersDir(), libDir()}) {
                PrivateFiles.createPrivateDirectory(sub);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create cluster directory " + path, e);
        }
    }

    /**
     * Checks that the directory (when it exists) and its access file (when it exists) are the user's own and writable by
     * no one else.
     *
     * @throws UntrustedFileException naming the file and what is wrong with it, in one line
     */
    public ClusterDir verify() {
        check(path, "cluster directory");
        check(accessFile(), "access file");
        return this;
    }

    private static void check(Path p, String what) {
        if (!Files.exists(p)) {
            return;
        }
        String why;
        try {
            why = PrivateFiles.untrustedReason(p);
        } catch (IOException e) {
            why = "cannot check " + p + ": " + e.getMessage();
        }
        if (why != null) {
            throw new UntrustedFileException("refusing to use " + what + " " + p + ": " + why
                    + "; another user could have written it");
        }
    }

    /** The access file, once the directory and file are checked to be the user's own ({@link #verify}). */
    public Optional<AccessInfo> readAccess() {
        verify();
        return AccessInfo.read(accessFile());
    }
}
