package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One command on an exec channel of its own: the path for commands that run while the shared shell is busy. */
final class ExecChannel {
    private ExecChannel() {
    }

    static CommandResult run(SshConnection c, RemoteCommand command, SshSettings settings, ExecutorService readers,
            String where) throws JSchException, IOException {
        ChannelExec ch = (ChannelExec) c.session.openChannel("exec");
        ch.setCommand(LoginShell.remoteLine(command.command(), settings.pathPrefix()));
        InputStream out = ch.getInputStream();
        InputStream err = ch.getErrStream();
        try {
            connect(c, ch, (int) settings.connectTimeout().toMillis());
            Future<byte[]> stderr = readers.submit(err::readAllBytes);
            Future<byte[]> stdout = readers.submit(out::readAllBytes);
            try (OutputStream in = ch.getOutputStream()) {
                if (command.stdin() != null) {
                    in.write(command.stdin());
                }
            }
            long deadline = System.nanoTime() + command.timeout().toNanos();
            byte[] o = await(stdout, deadline, ch, command, where);
            byte[] e = await(stderr, deadline, ch, command, where);
            // The exit status arrives just before the channel closes, after the output streams end.
            while (!ch.isClosed() && System.nanoTime() < deadline) {
                sleep(1);
            }
            int status = ch.getExitStatus();
            if (status == -1 && connectionDies(c)) {
                throw new IOException("connection closed before `" + command.command() + "` reported its exit status");
            }
            return new CommandResult(command.command(), where, status, new String(o, StandardCharsets.UTF_8),
                    new String(e, StandardCharsets.UTF_8));
        } finally {
            ch.disconnect();
        }
    }

    /** Opens a channel, telling a server's refusal (nothing was sent) apart from a broken connection. */
    static void connect(SshConnection c, com.jcraft.jsch.Channel ch, int timeoutMillis) throws JSchException {
        try {
            ch.connect(timeoutMillis);
        } catch (JSchException e) {
            if (c.isConnected() && String.valueOf(e.getMessage()).contains("channel is not opened")) {
                throw new ChannelRefused(e);
            }
            throw e;
        }
    }

    /**
     * No exit status means the remote command died by a signal or the connection broke; the session notices a
     * broken connection moments after the channel ends, so give it that moment before deciding.
     */
    static boolean connectionDies(SshConnection c) {
        long until = System.nanoTime() + 2_000_000_000L;
        while (c.isConnected() && System.nanoTime() < until) {
            sleep(10);
        }
        return !c.isConnected();
    }

    private static byte[] await(Future<byte[]> f, long deadline, ChannelExec ch, RemoteCommand command, String where)
            throws IOException {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            ch.disconnect();
            throw new CommandTimeoutException(command.command(), where, command.timeout());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ch.disconnect();
            throw new IOException("interrupted", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
