package io.hpcdask.server.store;

import io.hpcdask.server.api.LogStream;
import io.hpcdask.server.api.RunLogReader;
import io.hpcdask.server.files.PrivateFiles;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One output file per run, {@code runs/ID.log} under the cluster directory: stdout and stderr as they arrived; beside
 * it {@code runs/ID.streams}, which stream each part came from (its format: {@link RunLogReader}). An index entry is
 * written only when a run's stream changes, before the bytes it announces, so a reader never sees output it cannot
 * place and a run that prints only to stdout costs one entry.
 */
public final class RunLogs {
    /** Runs whose last index entry is remembered; beyond this many the memory is dropped and the index read again. */
    private static final int REMEMBERED_RUNS = 4096;
    private static final int LOCK_STRIPES = 64;

    private final Path dir;
    private final java.io.File dirFile;
    /** The stream of each run's last index entry; absent: not known here (read from the index when needed). */
    private final Map<RunId, LogStream> lastStream = new ConcurrentHashMap<>();
    /** One run's log and index are written together under one of these, so their entries never cross. */
    private final Object[] stripes = new Object[LOCK_STRIPES];
    private volatile java.util.function.Consumer<RunId> appended = runId -> { };
    /** Whether {@link #prepare} found the directory in place since the last {@link #lookAgain} (its thread only). */
    private boolean dirChecked;
    /**
     * Whether the directory held no subdirectory at all when last checked (its link count was 2), so that no run's log
     * name can be a directory in the way: then {@link #prepare} looks up no name of its own. Checked with the directory.
     */
    private boolean noSubdirectories;

    public RunLogs(Path dir) {
        this.dir = dir;
        this.dirFile = dir.toFile();
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
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
        return dir.resolve(fileName(runId));
    }

    private static String fileName(RunId runId) {
        requireDecimal(runId);
        return runId.value() + ".log";
    }

    /** Ids are decimal; anything else must not name a path. */
    private static void requireDecimal(RunId runId) {
        if (!isDecimal(runId.value())) {
            throw new IllegalArgumentException("not a run id: " + runId);
        }
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

    public Path streamsPath(RunId runId) {
        return RunLogReader.indexOf(path(runId));
    }

    /** Appends a chunk of {@code stream}; called from transport threads (output) and the loop (attempt notes). */
    public void append(RunId runId, LogStream stream, byte[] data) {
        if (data.length == 0) {
            return;
        }
        Path log = path(runId);
        synchronized (stripes[Math.floorMod(runId.hashCode(), stripes.length)]) {
            try {
                LogStream last = lastStream.get(runId);
                if (last == null) {
                    last = RunLogReader.lastStream(streamsPath(runId));
                }
                if (last != stream) {
                    long offset = size(log);
                    PrivateFiles.append(streamsPath(runId), RunLogReader.entry(stream, offset));
                    remember(runId, stream);
                }
                PrivateFiles.append(log, data);
            } catch (IOException e) {
                lastStream.remove(runId); // the index is read again next time
                throw new UncheckedIOException("cannot append to the log of run " + runId, e);
            }
        }
        appended.accept(runId);
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }

    private void remember(RunId runId, LogStream stream) {
        if (lastStream.size() >= REMEMBERED_RUNS) {
            lastStream.clear();
        }
        lastStream.put(runId, stream);
    }

    /**
     * Before a run starts: makes sure its output has somewhere to go, without creating its log. The log is created by
     * the run's first output (0600), so a run that prints nothing costs no file: creating one per run cost the server
     * more CPU than everything else it does for the run. A look at the directory itself after each {@link #lookAgain}
     * (runs were staged, or a tick passed) stands in for it, not once per dispatch: at one or two runs a dispatch, that
     * look was the server's only system call per run besides its messages. And a lookup of the run's log name, unless
     * the directory had no subdirectory at all then (a directory's link count is 2 plus its subdirectories on the file
     * systems that keep it; elsewhere every name is looked up): a lookup that finds nothing cost the server more than
     * the rest of a run's dispatch.
     *
     * @throws UncheckedIOException when the log could not be created: the run must then not start
     */
    public void prepare(RunId runId) {
        requireDecimal(runId);
        String why = null;
        if (!dirChecked) {
            why = checkDirectory();
            dirChecked = why == null;
        }
        if (why == null && !noSubdirectories && new java.io.File(dirFile, fileName(runId)).isDirectory()) {
            why = "a directory is in the way";
        }
        if (why != null) {
            Path log = path(runId);
            throw new UncheckedIOException("cannot create the log of run " + runId + " (" + log + "): " + why,
                    new IOException(why));
        }
        // the first chunk writes an index entry without reading the index first (a spare entry does no harm)
        remember(runId, LogStream.UNKNOWN);
    }

    /** Why no log can be created in the directory (null: it is a directory), and whether it has subdirectories. */
    private String checkDirectory() {
        noSubdirectories = false;
        try {
            Map<String, Object> a = Files.readAttributes(dir, "unix:isDirectory,nlink");
            if (!Boolean.TRUE.equals(a.get("isDirectory"))) {
                return "Not a directory";
            }
            noSubdirectories = Integer.valueOf(2).equals(a.get("nlink"));
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view here, or the directory cannot be looked at: as java.io.File sees it
            return !dirFile.isDirectory() ? (dirFile.exists() ? "Not a directory" : "no such directory") : null;
        }
    }

    /**
     * The next {@link #prepare} looks at the directory again (it may have been moved or replaced, or gained a
     * subdirectory, since the last look). Called on the thread that calls {@code prepare}: when runs are staged, so
     * that a directory broken before a submission fails its runs before any starts, and once a tick, so that runs
     * staged earlier start with a broken directory for a tick at most (their output is then refused as it arrives).
     */
    public void lookAgain() {
        dirChecked = false;
    }

    /** The line that opens the output of a run's second and later attempts in its log. */
    public static byte[] attemptHeader(int attempt, WorkerId worker, long timeMillis) {
        return ("=== hpc-dask: attempt " + attempt + " on worker " + worker + " at " + java.time.Instant.ofEpochMilli(timeMillis)
                + " (output above is from earlier attempts) ===\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
