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
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs commands on this machine, for when hpc-dask runs on the login node itself or with the local system. Each
 * command gets a {@code bash -lc} of its own, until {@link #warmUp} is called: from then on commands go through one
 * long-lived login shell when it is free (see {@link ShellPipe}), so a server submitting for hours pays the login
 * profile once, not on every {@code sbatch}. One-shot users (a CLI command) never start a shell they would not use.
 */
public final class LocalShell implements RemoteShell {
    private static final long WARM_WAIT_SECONDS = 30;

    private final List<String> pathPrefix;
    private final ReentrantLock pipeLock = new ReentrantLock();
    private volatile ExecutorService readers;
    /** Set while {@link #warmUp} starts the shell: a command then waits for it rather than paying a login of its own. */
    private volatile boolean warming;
    private volatile boolean closed;
    private ShellPipe pipe;

    public LocalShell() {
        this(List.of());
    }

    /** @param pathPrefix directories put first on the PATH of every command (after the login profile) */
    public LocalShell(List<String> pathPrefix) {
        this.pathPrefix = List.copyOf(pathPrefix);
    }

    @Override
    public CommandResult run(RemoteCommand command) {
        if (readers != null && !closed && takePipe()) {
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
                pipeLock.unlock();
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
        warming = true;
        return CompletableFuture.runAsync(() -> {
            pipeLock.lock();
            try {
                // A command, not just the process: the profile runs first, and this waits it out.
                if (runInPipe(RemoteCommand.query(":")) == null) {
                    throw new CompletionException(new IOException("bash could not be started"));
                }
            } catch (IOException e) {
                throw new CompletionException(e);
            } finally {
                warming = false;
                pipeLock.unlock();
            }
        }, readers);
    }

    /** The shell when free; while it starts, worth waiting for (a login shell of our own would cost as much). */
    private boolean takePipe() {
        if (pipeLock.tryLock()) {
            return true;
        }
        if (!warming) {
            return false;
        }
        try {
            return pipeLock.tryLock(WARM_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the login shell to start", e);
        }
    }

    /**
     * Caller holds pipeLock. Null when the shell could not start, so the command did not run; IOException when the
     * shell ended while the command ran.
     */
    private CommandResult runInPipe(RemoteCommand command) throws IOException {
        if (pipe != null && !pipe.isOpen()) {
            closePipe();
        }
        if (pipe == null) {
            try {
                pipe = ShellPipe.local(pathPrefix, readers);
            } catch (IOException e) {
                return null;
            }
        }
        try {
            return pipe.run(command, where());
        } catch (IOException | RuntimeException e) {
            closePipe();
            throw e;
        }
    }

    private void closePipe() {
        if (pipe != null) {
            pipe.close();
            pipe = null;
        }
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
        // A command stuck in the shell holds the lock; after a while the shell is ended regardless, which frees it.
        boolean locked = false;
        try {
            locked = pipeLock.tryLock(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            ShellPipe p = pipe;
            if (p != null) {
                p.close();
            }
            if (locked) {
                pipe = null;
            }
        } finally {
            if (locked) {
                pipeLock.unlock();
            }
        }
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
