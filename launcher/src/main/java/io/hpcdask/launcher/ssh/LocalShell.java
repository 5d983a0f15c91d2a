package io.hpcdask.launcher.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine, for when hpc-dask runs on the login node itself or with the local system. Each
 * command gets a {@code bash -lc} of its own, until {@link #warmUp} is called: from then on commands go through one
 * long-lived login shell when it is free (see {@link ShellPipe}), so a server submitting for hours pays the login
 * profile once, not on every {@code sbatch}. One-shot users (a CLI command) never start a shell they would not use.
 */
public final class LocalShell implements RemoteShell {
    private static final Duration WARM_WAIT = Duration.ofSeconds(30);

    private final List<String> pathPrefix;
    private final SharedPipe pipe = new SharedPipe(() -> { });
    private volatile ExecutorService readers;
    private volatile boolean closed;

    public LocalShell() {
        this(List.of());
    }

    /** @param pathPrefix directories put first on the PATH of every command (after the login profile) */
    public LocalShell(List<String> pathPrefix) {
        this.pathPrefix = List.copyOf(pathPrefix);
    }

    @Override
    public CommandResult run(RemoteCommand command) {
        if (readers != null && !closed && pipe.take(WARM_WAIT, "the login shell")) {
            try {
                CommandResult r = runInPipe(command);
                if (r != null) {
                    return r;
                }
            } catch (IOException e) {
                if (!command.retrySafe()) {
                    throw new ConnectionLostException("the login shell running `" + command.command() + "` ended; not"
                            + " re-run, because it may already have taken effect (check the batch queue before submitting"
                            + " again)", e);
                }
                // a query: asked again below, in a shell of its own
            } finally {
                pipe.release();
            }
        }
        return runOnce(command);
    }

    /** Starts the long-lived login shell now, on a thread of its own; commands use it from then on. */
    @Override
    public CompletableFuture<Void> warmUp() {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            if (readers == null) {
                readers = Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "local-shell-reader");
                    t.setDaemon(true);
                    return t;
                });
            }
        }
        return pipe.warmUp(readers, () -> {
            // A command, not just the process: the profile runs first, and this waits it out.
            if (runInPipe(RemoteCommand.query(":")) == null) {
                throw new IOException("bash could not be started");
            }
        });
    }

    /** Null when the shell could not start, so the command did not run (see {@link SharedPipe#run}). */
    private CommandResult runInPipe(RemoteCommand command) throws IOException {
        return pipe.run(command, where(), null, () -> {
            try {
                return ShellPipe.local(pathPrefix, readers);
            } catch (IOException e) {
                return null;
            }
        });
    }

    private CommandResult runOnce(RemoteCommand command) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-lc", LoginShell.script(command.command(), pathPrefix));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start bash for `" + command.command() + "`", e);
        }
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (command.stdin() != null) {
                in.write(command.stdin());
            }
        } catch (IOException ignored) {
            // the command exited without reading its input; its exit status tells the story
        }
        try {
            if (!p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new CommandTimeoutException(command.command(), where(), command.timeout());
            }
            out.join();
            err.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while running `" + command.command() + "`", e);
        }
        return new CommandResult(command.command(), where(), p.exitValue(), out.text(), err.text());
    }

    @Override
    public void upload(Path local, String remotePath, int mode) throws IOException {
        Path target = Path.of(remotePath);
        Files.copy(local, target, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target, permissions(mode));
    }

    @Override
    public void write(byte[] content, String remotePath, int mode) throws IOException {
        Path target = Path.of(remotePath);
        Files.deleteIfExists(target);
        // Created with its final mode, so a secret is never readable by others, not even briefly.
        Files.createFile(target, PosixFilePermissions.asFileAttribute(permissions(mode)));
        Files.write(target, content);
    }

    @Override
    public void mkdirs(String remotePath, int mode) throws IOException {
        Path dir = Path.of(remotePath);
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, permissions(mode));
    }

    @Override
    public boolean exists(String remotePath) {
        return Files.isRegularFile(Path.of(remotePath));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Files.move(Path.of(from), Path.of(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String homeDir() {
        return System.getProperty("user.home");
    }

    @Override
    public String where() {
        return "localhost";
    }

    @Override
    public void close() {
        closed = true;
        if (readers == null) {
            return;
        }
        pipe.shutdown();
        readers.shutdownNow();
    }

    static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder sb = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            sb.append((mode & (1 << bit)) != 0 ? rwx.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }

    /** Reads a stream to its end on its own thread, so a chatty command never blocks on a full pipe. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            super("local-shell-drain");
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            try {
                in.transferTo(buf);
            } catch (IOException ignored) {
                // the process was killed; what was read so far is kept
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
        }
    }
}
