package io.hpcdask.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One output file per run, {@code runs/ID.log} under the cluster directory: stdout and stderr as they arrived. */
public final class RunLogs {
    private final Path dir;

    public RunLogs(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run log directory " + dir, e);
        }
    }

    public Path path(String runId) {
        if (!runId.matches("\\d+")) { // ids are decimal; anything else must not name a path
            throw new IllegalArgumentException("not a run id: " + runId);
        }
        return dir.resolve(runId + ".log");
    }

    /** Appends a chunk; called from transport threads, one run's chunks from one thread at a time. */
    public void append(String runId, byte[] data) {
        try {
            Files.write(path(runId), data, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the log of run " + runId, e);
        }
    }

    /** Makes sure the file exists, so {@code hpc-dask logs} finds one for every started run. */
    public void touch(String runId) {
        append(runId, new byte[0]);
    }
}
