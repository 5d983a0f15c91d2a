package io.hpcdask.launcher.ssh;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where batch commands run: a login node over SSH, or this machine. Commands run in a login shell
 * ({@code bash -lc}) because cluster tools are often only on the PATH that environment modules set up.
 */
public interface RemoteShell extends AutoCloseable {

    /** Runs a command; a non-zero exit status is returned, not thrown. Connection failures and timeouts throw. */
    CommandResult run(RemoteCommand command);

    /** Copies a local file to {@code remotePath} and gives it {@code mode} (e.g. 0644). */
    void upload(Path local, String remotePath, int mode) throws IOException;

    /** Writes bytes to {@code remotePath} with {@code mode}; the parent directory must exist. */
    void write(byte[] content, String remotePath, int mode) throws IOException;

    /** Creates the directory and its missing parents; the directory itself always ends with {@code mode}. */
    void mkdirs(String remotePath, int mode) throws IOException;

    /** True when a regular file exists at the path. */
    boolean exists(String remotePath) throws IOException;

    /** Renames a file on the remote side (atomic within one file system). */
    void rename(String from, String to) throws IOException;

    /** The remote user's home directory, absolute. */
    String homeDir() throws IOException;

    /** A short description for messages, e.g. {@code root@login1:22} or {@code localhost}. */
    String where();

    /**
     * Starts, in the background, whatever the first command would otherwise wait for (a login shell and its
     * profile), so that a later submission answers at once. Commands issued meanwhile wait for it instead of starting
     * a login shell of their own. The future completes when it is ready, or exceptionally when it could not start (a
     * command then starts it again). Nothing to do by default.
     */
    default java.util.concurrent.CompletableFuture<Void> warmUp() {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    default CommandResult run(String command) {
        return run(RemoteCommand.query(command));
    }

    @Override
    void close();
}
