package io.hpcdask.launcher.cluster;

import io.hpcdask.server.files.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may write a cluster's run database: its server, for the whole life of the process, or for a moment a command
 * staging runs into the stopped cluster. The server takes it before it opens the store and reads its staged runs and
 * its next run id, so a run staged by a command is either committed before (and the server takes it) or goes
 * through the server's API; never into a store the server has already read. An advisory lock on {@code store.lock}
 * in the cluster directory (fcntl, as SQLite's own), which the kernel drops when the process ends, kill -9 included.
 */
public final class StoreLock implements AutoCloseable {
    public static final String FILE = "store.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock when no other process holds it now, else empty. */
    public static Optional<StoreLock> tryTake(ClusterDir dir) throws IOException {
        FileChannel channel = open(dir);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new StoreLock(channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM: as taken as by another process
        }
        channel.close();
        return Optional.empty();
    }

    /**
     * Waits up to {@code timeout} for the lock (a command staging runs holds it for a moment).
     *
     * @throws IOException when it is still held then: another server of this cluster runs
     */
    public static StoreLock await(ClusterDir dir, Duration timeout) throws IOException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<StoreLock> lock = tryTake(dir);
            if (lock.isPresent()) {
                return lock.get();
            }
            if (System.nanoTime() - until > 0) {
                throw new IOException(dir.path().resolve(FILE) + " is still held by another process after "
                        + timeout.toSeconds() + " s: another server of cluster '" + dir.name() + "' runs");
            }
            Thread.sleep(50);
        }
    }

    private static FileChannel open(ClusterDir dir) throws IOException {
        Path file = PrivateFiles.createFile(dir.path().resolve(FILE));
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
