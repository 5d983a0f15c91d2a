package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One long-lived login shell, on the remote side or on this machine, that runs commands sent to it one at a time.
 * sshd starts every exec request through the user's shell, which reads ~/.bashrc (and {@code bash -l} the profile,
 * module setup and all): hundreds of milliseconds on real login nodes, and as much for a {@code bash -lc} here.
 * Paying that once per connection instead of once per command is what makes a reused session several times faster
 * than separate {@code ssh host sbatch} calls.
 *
 * <p>Framing: the command and its stdin each go as one base64 line; the answer is one line
 * {@code HPCDASK:<status>:<base64 stdout>:<base64 stderr>}, so no output can be mistaken for the frame. Each
 * command runs in a subshell, so {@code exit} or {@code cd} in one cannot affect the next.
 */
final class ShellPipe implements AutoCloseable {
    private static final String MARK = "HPCDASK:";
    /**
     * The loop the shell runs. Its reads wait as long as it takes: a site's {@code TMOUT} (often readonly, set by
     * /etc/profile) would otherwise end a shell kept idle between submissions.
     */
    static final String LOOP = String.join("\n",
            "d=$(mktemp -d) || exit 1",
            "trap 'rm -rf \"$d\"' EXIT",
            "while IFS= read -r -t 999999999 c && IFS= read -r -t 999999999 i; do",
            "  printf %s \"$i\" | base64 -d > \"$d/in\"",
            "  ( eval \"$(printf %s \"$c\" | base64 -d)\" ) < \"$d/in\" > \"$d/out\" 2> \"$d/err\"",
            "  rc=$?",
            "  printf '" + MARK + "%s:%s:%s\\n' \"$rc\" \"$(base64 -w0 < \"$d/out\")\" \"$(base64 -w0 < \"$d/err\")\"",
            "done");

    /** The SSH connection the shell runs over; null for a shell on this machine. */
    final SshConnection connection;
    private final BooleanSupplier open;
    private final Runnable end;
    private final BufferedReader answers;
    private final OutputStream requests;
    private final ExecutorService readers;

    private ShellPipe(SshConnection connection, BooleanSupplier open, Runnable end, InputStream answers,
            OutputStream requests, ExecutorService readers) {
        this.connection = connection;
        this.open = open;
        this.end = end;
        this.answers = new BufferedReader(new InputStreamReader(answers, StandardCharsets.US_ASCII));
        this.requests = requests;
        this.readers = readers;
    }

    /** The shell on an exec channel of the connection. */
    static ShellPipe open(SshConnection c, List<String> pathPrefix, int connectTimeoutMillis, ExecutorService readers)
            throws JSchException, IOException {
        ChannelExec ch = (ChannelExec) c.session.openChannel("exec");
        ch.setCommand(LoginShell.remoteLine(LOOP, pathPrefix));
        InputStream answers = ch.getInputStream();
        ExecChannel.connect(c, ch, connectTimeoutMillis);
        return new ShellPipe(c, () -> ch.isConnected() && !ch.isClosed() && c.isConnected(), ch::disconnect, answers,
                ch.getOutputStream(), readers);
    }

    /**
     * The shell as a process on this machine. Ending it closes its input first, so the loop ends by itself and removes
     * its directory; whatever still runs (a command that timed out) is killed with it.
     */
    static ShellPipe local(List<String> pathPrefix, ExecutorService readers) throws IOException {
        Process p = new ProcessBuilder("bash", "-lc", LoginShell.script(LOOP, pathPrefix))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Runnable end = () -> {
            try {
                p.getOutputStream().close();
                if (p.waitFor(1, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (IOException ignored) {
                // already gone: killed below regardless
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        };
        return new ShellPipe(null, p::isAlive, end, p.getInputStream(), p.getOutputStream(), readers);
    }

    boolean isOpen() {
        return open.getAsBoolean();
    }

    /** Runs one command; IOException when the pipe or the connection broke. */
    CommandResult run(RemoteCommand command, String where) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        String frame = b64.encodeToString(command.command().getBytes(StandardCharsets.UTF_8)) + "\n"
                + (command.stdin() == null ? "" : b64.encodeToString(command.stdin())) + "\n";
        requests.write(frame.getBytes(StandardCharsets.US_ASCII));
        requests.flush();
        Future<String> answer = readers.submit(this::nextAnswer);
        String line;
        try {
            line = answer.get(command.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            close();
            throw new CommandTimeoutException(command.command(), where, command.timeout());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted", e);
        }
        if (line == null) {
            throw new IOException("the remote shell ended while running `" + command.command() + "`");
        }
        String[] f = line.substring(MARK.length()).split(":", -1);
        Base64.Decoder d = Base64.getDecoder();
        return new CommandResult(command.command(), where, Integer.parseInt(f[0]),
                new String(d.decode(f[1]), StandardCharsets.UTF_8), new String(d.decode(f[2]), StandardCharsets.UTF_8));
    }

    /** Skips whatever the login profile printed before the loop started. */
    private String nextAnswer() throws IOException {
        String line;
        while ((line = answers.readLine()) != null) {
            if (line.startsWith(MARK)) {
                return line;
            }
        }
        return null;
    }

    @Override
    public void close() {
        end.run();
    }
}
