package io.hpcdask.launcher.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The long-lived login shell ({@link ShellPipe}) that {@link SshShell} and {@link LocalShell} keep for their commands:
 * one command holds it at a time; it is opened on first use and again once it has ended; and it is closed when a
 * command through it fails, since what state it was left in is then unknown.
 */
final class SharedPipe {
    /** Opens a pipe; null when none could be started. */
    interface Opener<E extends Exception> {
        ShellPipe open() throws IOException, E;
    }

    /** What {@link #warmUp} does while it holds the pipe. */
    interface WarmUp {
        void run() throws Exception;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Runnable onClose;
    /** Set while {@link #warmUp} opens the pipe: a command then waits for it rather than paying a login of its own. */
    private volatile boolean warming;
    /** Guarded by the lock, but for {@link #shutdown}, which may have to end it under a command stuck in it. */
    private volatile ShellPipe pipe;

    /** @param onClose run each time a pipe is closed, e.g. to give back the channel it held */
    SharedPipe(Runnable onClose) {
        this.onClose = onClose;
    }

    /**
     * Holds the pipe when it is free, and while it is being opened ahead of use, waits up to {@code wait} for it: true
     * when held (give it back with {@link #release}). {@code shell} names the pipe in the message of an interruption.
     */
    boolean take(Duration wait, String shell) {
        if (lock.tryLock()) {
            return true;
        }
        if (!warming) {
            return false;
        }
        try {
            return lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + shell + " to start", e);
        }
    }

    void release() {
        lock.unlock();
    }

    /**
     * Runs {@code command} through the pipe, which the caller holds: opened first when there is none, when it has
     * ended, or when it runs over another connection than {@code connection} (null: on this machine). Null when
     * {@code opener} could start none, so the command did not run; IOException when the pipe ended while it ran.
     */
    <E extends Exception> CommandResult run(RemoteCommand command, String where, SshConnection connection,
                                            Opener<E> opener) throws IOException, E {
        if (pipe != null && (pipe.connection != connection || !pipe.isOpen())) {
            close();
        }
        if (pipe == null) {
            pipe = opener.open();
            if (pipe == null) {
                return null;
            }
        }
        try {
            return pipe.run(command, where);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Closes the pipe, which the caller holds, if there is one. */
    void close() {
        if (pipe != null) {
            pipe.close();
            pipe = null;
            onClose.run();
        }
    }

    /**
     * Opens the pipe now on {@code executor}, by doing {@code warmUp} while holding it: its login profile is then paid
     * ahead of the first command, and a command that comes meanwhile waits for it (see {@link #take}).
     */
    CompletableFuture<Void> warmUp(Executor executor, WarmUp warmUp) {
        warming = true;
        return CompletableFuture.runAsync(() -> {
            lock.lock();
            try {
                warmUp.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            } finally {
                warming = false;
                lock.unlock();
            }
        }, executor);
    }

    /**
     * At the shell's close. A command stuck in a read holds the pipe: after a while the pipe is ended regardless,
     * which breaks that read and frees the command (which then closes it as failed).
     */
    void shutdown() {
        boolean locked = false;
        try {
            locked = lock.tryLock(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            ShellPipe stuck = pipe;
            if (stuck != null) {
                stuck.close();
            }
            return;
        }
        try {
            close();
        } finally {
            lock.unlock();
        }
    }
}
