package io.hpcdask.server.store;

import io.hpcdask.server.files.PrivateFiles;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One output file per run, {@code runs/ID.log} under the cluster directory: stdout and stderr as they arrived. */
public final class RunLogs {
    private final Path dir;
    private volatile java.util.function.Consumer<RunId> appended = runId -> { };

    public RunLogs(Path dir) {
        this.dir = dir;
        try {
            PrivateFiles.createPrivateDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run log directory " + dir, e);
        }
    }

    /** Who is told, on the appending thread, after output of a run was appended (clients following it). */
    public void onAppend(java.util.function.Consumer<RunId> appended) {
        this.appended = appended;
    }

    public Path path(RunId runId) {
        if (!isDecimal(runId.value())) { // ids are decimal; anything else must not name a path
            throw new IllegalArgumentException("not a run id: " + runId);
        }
        return dir.resolve(runId + ".log");
    }

    private static boolean isDecimal(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Appends a chunk; called from transport threads, one run's chunks from one thread at a time. */
    public void append(RunId runId, byte[] data) {
        try {
            PrivateFiles.append(path(runId), data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the log of run " + runId, e);
        }
        appended.accept(runId);
    }

    /**
     * Makes sure the file exists (0600), so {@code hpc-dask logs} finds one for every started run.
     *
     * @throws UncheckedIOException when it cannot be created: the run must then not start
     */
    public void touch(RunId runId) {
        try {
            PrivateFiles.createFileTrustingUmask(path(runId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log of run " + runId + " (" + path(runId) + "): "
                    + describe(e), e);
        }
    }

    /** The line that opens the output of a run's second and later attempts in its log. */
    public static byte[] attemptHeader(int attempt, WorkerId worker, long timeMillis) {
        return ("=== hpc-dask: attempt " + attempt + " on worker " + worker + " at " + java.time.Instant.ofEpochMilli(timeMillis)
                + " (output above is from earlier attempts) ===\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** An I/O failure as one line a user can act on. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a directory is in the way";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
