package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SftpException;
import io.hpcdask.retry.Retry;
import io.hpcdask.retry.RetryListener;
import io.hpcdask.retry.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands and file transfers over one SSH connection per target, shared by all callers. At most
 * {@link SshSettings#maxChannels()} channels are open at once (servers refuse more than MaxSessions); a dropped
 * connection is re-opened with backoff, and only commands marked safe to repeat are re-run.
 */
public final class SshShell implements RemoteShell {
    private static final Logger LOG = LoggerFactory.getLogger(SshShell.class);
    private static final RetryPolicy RECONNECT = RetryPolicy.exponential(Duration.ofMillis(500)).maxAttempts(5);
    /** Nothing ran; a server frees a closed session slot a moment after the close (see {@link #runOnce}). */
    private static final RetryPolicy CHANNEL_OPEN = RetryPolicy.exponential(Duration.ofMillis(100)).maxAttempts(4);
    /** At once: opening the connection again ({@link #RECONNECT}) has the pauses. */
    private static final RetryPolicy AFTER_DROP = RetryPolicy.fixed(Duration.ZERO).maxAttempts(5);

    private final SshSettings settings;
    private final Semaphore channels;
    private final AtomicInteger openChannels = new AtomicInteger();
    private final AtomicInteger maxOpenChannels = new AtomicInteger();
    private final AtomicInteger connects = new AtomicInteger();
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ssh-channel-reader");
        t.setDaemon(true);
        return t;
    });
    /** Holds one channel (and one permit) for as long as it lives. */
    private final SharedPipe pipe = new SharedPipe(this::channelClosed);
    private final Retry retry = Retry.blocking();
    private SshConnection connection;
    private String home;

    private SshShell(SshSettings settings) {
        this.settings = settings;
        this.channels = new Semaphore(settings.maxChannels(), true);
    }

    /** Connects now, so a wrong host key or key is reported before anything else is attempted. */
    public static SshShell connect(SshSettings settings) {
        SshShell shell = new SshShell(settings);
        shell.connection();
        return shell;
    }

    /**
     * Runs a command through the connection's long-lived shell when it is free (see {@link ShellPipe}), else on a
     * channel of its own, so concurrent callers still run in parallel within the channel limit.
     */
    @Override
    public CommandResult run(RemoteCommand command) {
        return retry.call(failure -> failure instanceof Refused ? CHANNEL_OPEN : failure instanceof Dropped ? AFTER_DROP : null,
                new RetryListener() {
                    @Override
                    public void retrying(Exception failure, int attempt, Duration pause) {
                        if (failure instanceof Dropped) {
                            LOG.warn("{} during `{}`; running it again (it is safe to repeat)", failure.getMessage(),
                                    command.command());
                        }
                    }

                    @Override
                    public void stopped(Exception failure, int attempts) {
                        if (failure instanceof Refused) {
                            throw new SshConnectException("ssh " + where() + ": the server refused to open a channel for `"
                                    + command.command() + "` " + attempts + " times (" + failure.getMessage() + "); its"
                                    + " MaxSessions is probably below the " + settings.maxChannels() + " channels hpc-dask"
                                    + " opens at once", false, failure.getCause());
                        }
                        throw new ConnectionLostException(failure.getMessage() + " " + attempts + " times while running `"
                                + command.command() + "`; giving up", failure.getCause());
                    }
                }, attempt -> runOnce(command));
    }

    /** One attempt at {@link #run}: a failure worth another is thrown as {@link Refused} or {@link Dropped}. */
    private CommandResult runOnce(RemoteCommand command) {
        SshConnection c = connection();
        boolean viaPipe = settings.maxChannels() > 1 && pipe.take(settings.connectTimeout(), "the remote shell");
        if (!viaPipe) {
            acquire();
        }
        try {
            return viaPipe ? pipe.run(command, where(), c, () -> openPipe(c)) : exec(c, command);
        } catch (ChannelRefused e) {
            // Nothing ran. A server frees a closed session slot a moment after the close, so a refusal right after
            // another channel ended is worth a short wait; more than that means MaxSessions is lower than our limit.
            throw new Refused(e);
        } catch (JSchException | IOException e) {
            boolean lost = ExecChannel.connectionDies(c);
            if (!lost && !viaPipe) {
                throw new SshConnectException("ssh " + where() + ": `" + command.command() + "` could not run: "
                        + e.getMessage(), false, e);
            }
            if (lost) {
                dropped(c);
            }
            String what = lost ? "ssh connection to " + where() + " dropped" : "the remote shell on " + where() + " ended";
            if (!command.retrySafe()) {
                throw new ConnectionLostException(what + " while running `" + command.command() + "`; not re-run,"
                        + " because it may already have taken effect (check the batch queue before submitting"
                        + " again)", e);
            }
            throw new Dropped(what, e);
        } finally {
            if (viaPipe) {
                pipe.release();
            } else {
                channels.release();
            }
        }
    }

    /**
     * Opens the long-lived shell now, on a reader thread: its login profile (hundreds of milliseconds to seconds on
     * a busy login node) is then paid before the first submission instead of by it.
     */
    @Override
    public CompletableFuture<Void> warmUp() {
        if (settings.maxChannels() < 2) {
            return CompletableFuture.completedFuture(null);
        }
        // A command, not just the channel: the profile runs after the channel opens, and this waits it out.
        return pipe.warmUp(readers, () -> {
            SshConnection c = connection();
            pipe.run(RemoteCommand.query(":"), where(), c, () -> openPipe(c));
        }).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.debug("Opening the shell on {} ahead of use failed ({}); the first command opens it", where(),
                        e.getMessage());
            }
        });
    }

    /** A new pipe over {@code c}, on a channel (and permit) of its own. */
    private ShellPipe openPipe(SshConnection c) throws JSchException, IOException {
        acquire();
        opened();
        try {
            return ShellPipe.open(c, settings.pathPrefix(), (int) settings.connectTimeout().toMillis(), readers);
        } catch (JSchException | IOException | RuntimeException e) {
            channelClosed();
            throw e;
        }
    }

    private CommandResult exec(SshConnection c, RemoteCommand command) throws JSchException, IOException {
        opened();
        try {
            return ExecChannel.run(c, command, settings, readers, where());
        } finally {
            openChannels.decrementAndGet();
        }
    }

    @Override
    public void upload(Path local, String remotePath, int mode) throws IOException {
        sftp("upload " + local + " to " + remotePath, sftp -> {
            try (InputStream in = Files.newInputStream(local)) {
                sftp.put(in, remotePath);
            }
            sftp.chmod(mode, remotePath);
            return null;
        });
    }

    @Override
    public void write(byte[] content, String remotePath, int mode) throws IOException {
        sftp("write " + remotePath, sftp -> {
            // Empty file first, mode set, then content: a secret is never readable by others.
            sftp.put(new ByteArrayInputStream(new byte[0]), remotePath);
            sftp.chmod(mode, remotePath);
            sftp.put(new ByteArrayInputStream(content), remotePath);
            return null;
        });
    }

    @Override
    public void mkdirs(String remotePath, int mode) throws IOException {
        sftp("mkdir " + remotePath, sftp -> {
            String path = remotePath.startsWith("/") ? remotePath : sftp.getHome() + "/" + remotePath;
            StringBuilder sofar = new StringBuilder();
            for (String part : path.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                sofar.append('/').append(part);
                if (!isDir(sftp, sofar.toString())) {
                    sftp.mkdir(sofar.toString());
                    sftp.chmod(mode, sofar.toString());
                }
            }
            sftp.chmod(mode, path);
            return null;
        });
    }

    @Override
    public boolean exists(String remotePath) throws IOException {
        return sftp("stat " + remotePath, sftp -> {
            try {
                return sftp.stat(remotePath).isReg();
            } catch (SftpException e) {
                if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public void rename(String from, String to) throws IOException {
        sftp("rename " + from + " to " + to, sftp -> {
            sftp.rename(from, to);
            return null;
        });
    }

    @Override
    public synchronized String homeDir() throws IOException {
        if (home == null) {
            home = sftp("home directory", ChannelSftp::getHome);
        }
        return home;
    }

    @Override
    public String where() {
        return settings.where();
    }

    /** The server's host key as {@code <algorithm> SHA256:<fingerprint>}, as checked when connecting. */
    public synchronized String hostKey() {
        com.jcraft.jsch.HostKey key = connection().session.getHostKey();
        byte[] blob = java.util.Base64.getDecoder().decode(key.getKey());
        return HostKeys.algorithm(blob) + " " + HostKeys.fingerprint(blob);
    }

    /**
     * Forwards a new port on this machine's loopback to {@code host:port} as the remote side sees it (a login node's
     * own loopback, typically), over this connection: the way a laptop reaches a service on the login node without
     * anything ever connecting to the laptop. Returns the local port; the forward lives as long as the connection.
     */
    public int forwardLocalPort(String host, int port) {
        return forwardLocalPort(0, host, port);
    }

    /**
     * As {@link #forwardLocalPort(String, int)}, on the local port {@code localPort} (0: any free one). A port taken
     * already fails with the reason.
     */
    public synchronized int forwardLocalPort(int localPort, String host, int port) {
        try {
            return connection().session.setPortForwardingL("127.0.0.1", localPort, host, port);
        } catch (com.jcraft.jsch.JSchException e) {
            String why = localPort != 0 && e.getMessage() != null && e.getMessage().contains("bound")
                    ? "another program holds local port " + localPort : "the site's sshd may forbid it (AllowTcpForwarding no)";
            throw new SshConnectException("ssh " + where() + ": cannot forward " + (localPort == 0 ? "a local port" : "local port "
                    + localPort) + " to " + host + ":" + port + " on the login node (" + e.getMessage() + "); " + why, false, e);
        }
    }

    /** The most channels that were ever open at once on this shell's connection. */
    public int maxOpenChannelsObserved() {
        return maxOpenChannels.get();
    }

    /** How many times a connection was opened: 1, plus one per re-open after a drop. */
    public int connectCount() {
        return connects.get();
    }

    public SshSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        // The pipe first, as run() takes it before this object's monitor. A command stuck in a read holds it: after a
        // while the connection is closed regardless, which breaks that read and frees the command.
        pipe.shutdown();
        synchronized (this) {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
        readers.shutdownNow();
    }

    private interface SftpAction<T> {
        T apply(ChannelSftp sftp) throws SftpException, IOException;
    }

    /** File operations are idempotent, so they are repeated after a dropped connection like queries. */
    private <T> T sftp(String what, SftpAction<T> action) throws IOException {
        try {
            return retry.call(AFTER_DROP, failure -> failure instanceof Dropped, RetryListener.SILENT,
                    attempt -> sftpOnce(what, action));
        } catch (Dropped d) {
            throw (IOException) d.getCause();
        }
    }

    /** One attempt at {@link #sftp}: when the connection dropped, the failure is thrown as {@link Dropped}. */
    private <T> T sftpOnce(String what, SftpAction<T> action) throws IOException {
        SshConnection c = connection();
        acquire();
        ChannelSftp sftp = null;
        opened();
        try {
            sftp = (ChannelSftp) c.session.openChannel("sftp");
            sftp.connect((int) settings.connectTimeout().toMillis());
            return action.apply(sftp);
        } catch (JSchException | SftpException | IOException e) {
            IOException failed = new IOException("sftp on " + where() + ": " + what + " failed: " + e.getMessage(), e);
            if (c.isConnected()) {
                throw failed;
            }
            dropped(c);
            throw new Dropped(failed.getMessage(), failed);
        } finally {
            if (sftp != null) {
                sftp.disconnect();
            }
            channelClosed();
        }
    }

    private static boolean isDir(ChannelSftp sftp, String path) throws SftpException {
        try {
            return sftp.stat(path).isDir();
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    private synchronized SshConnection connection() {
        if (connection != null && connection.isConnected()) {
            return connection;
        }
        if (connection == null && connects.get() == 0) {
            connection = SshConnector.open(settings);
            connects.incrementAndGet();
            return connection;
        }
        connection = retry.call(RECONNECT, failure -> failure instanceof SshConnectException e && !e.authentication(),
                (failure, attempt, pause) -> LOG.warn("ssh connection to {} failed ({}); retrying in {} ms", where(),
                        failure.getMessage(), pause.toMillis()),
                attempt -> {
                    SshConnection opened = SshConnector.open(settings);
                    connects.incrementAndGet();
                    LOG.info("ssh connection to {} re-opened (attempt {})", where(), attempt);
                    return opened;
                });
        return connection;
    }

    private synchronized void dropped(SshConnection c) {
        c.close();
        if (connection == c) {
            connection = null;
        }
    }

    /** A channel closed: one fewer open, and its permit back. */
    private void channelClosed() {
        openChannels.decrementAndGet();
        channels.release();
    }

    private void opened() {
        int now = openChannels.incrementAndGet();
        maxOpenChannels.accumulateAndGet(now, Math::max);
    }

    private void acquire() {
        try {
            channels.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free ssh channel", e);
        }
    }

    /** A channel the server refused to open: the command never ran. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(ChannelRefused cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The connection or the remote shell went away under a command or file operation that is safe to repeat. */
    private static final class Dropped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Dropped(String what, Exception cause) {
            super(what, cause);
        }
    }
}
