package io.hpcdask.launcher.cli.daemon;

import io.hpcdask.server.files.PrivateFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The daemon's socket and its calls. One daemon per user and jar: it holds a lock file for its whole life, so of two
 * starters one serves and the other leaves; a socket left by a killed daemon (the lock died with it) is replaced. It
 * ends when idle for {@code idle}, when its jar changes or a client runs another one, or when its socket is removed,
 * and removes its socket. Each call runs on its own thread; a peer of another user is closed unanswered.
 */
public final class DaemonServer {
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    /** How often it looks at the clock, its jar and its socket. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private final DaemonPlace place;
    private final JarStamp jar;
    private final Duration idle;
    private final CallHandler handler;
    private final UserPrincipal self;
    private final AtomicInteger active = new AtomicInteger();
    private volatile long lastNanos = System.nanoTime();
    private volatile String endReason;
    private ServerSocketChannel server;

    public DaemonServer(DaemonPlace place, JarStamp jar, Duration idle, CallHandler handler) throws IOException {
        this.place = place;
        this.jar = jar;
        this.idle = idle;
        this.handler = handler;
        this.self = Files.getOwner(Path.of("/proc/self"));
    }

    /** Serves until it ends; false when another daemon holds the lock (nothing was done). */
    public boolean serve() throws IOException {
        Path lockFile = place.lock(jar.path());
        PrivateFiles.createFile(lockFile);
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = lockChannel.tryLock()) {
            if (lock == null) {
                return false;
            }
            Path socket = place.socket(jar.path());
            Files.deleteIfExists(socket); // a killed daemon's: it held the lock we now hold
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            log("pid " + ProcessHandle.current().pid() + " serves " + jar.path() + " on " + socket + "; ends after "
                    + idle.toSeconds() + " s idle");
            Thread watch = new Thread(() -> watch(socket, key), "cli-daemon-watch");
            watch.setDaemon(true);
            watch.start();
            try {
                accept();
            } finally {
                removeIfOurs(socket, key);
                log("ended: " + Objects.requireNonNullElse(endReason, "its socket closed"));
            }
            return true;
        }
    }

    private void accept() throws IOException {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) { // closed by end()
                return;
            }
            active.incrementAndGet();
            Thread t = new Thread(() -> {
                try {
                    handle(ch);
                } finally {
                    lastNanos = System.nanoTime();
                    active.decrementAndGet();
                }
            }, "cli-call");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Ends the daemon: no call is accepted after this; calls running finish. */
    void end(String reason) {
        if (endReason == null) {
            endReason = reason;
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket does not fail in a way that matters here
        }
    }

    private void watch(Path socket, Object key) {
        while (server.isOpen()) {
            try {
                Thread.sleep(CHECK_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (active.get() == 0 && System.nanoTime() - lastNanos > idle.toNanos()) {
                end("idle for " + idle.toSeconds() + " s");
            } else if (!jar.equals(jar.now())) {
                end("its jar " + jar.path() + " changed");
            } else if (!isOurs(socket, key)) {
                end("its socket " + socket + " was removed");
            }
        }
    }

    private static boolean isOurs(Path socket, Object key) {
        try {
            return key.equals(Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    private static void removeIfOurs(Path socket, Object key) {
        if (isOurs(socket, key)) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // the next starter replaces it
            }
        }
    }

    /** Whether a peer is this user: SO_PEERCRED, from the kernel, not anything the peer says. */
    static boolean sameUser(UnixDomainPrincipal peer, UserPrincipal self) {
        return peer.user().equals(self);
    }

    private void handle(SocketChannel ch) {
        try (ch) {
            if (!sameUser(ch.getOption(ExtendedSocketOptions.SO_PEERCRED), self)) {
                log("refused a peer of user " + ch.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName());
                return;
            }
            Frames.Frame f = Frames.read(ch, Frames.MAX_REQUEST);
            if (f == null || f.type() != Frames.REQUEST) {
                return;
            }
            CallRequest request = CallRequest.decode(f.payload());
            if (!jar.equals(request.jar())) {
                Frames.write(ch, Frames.STALE, new byte[0], 0, 0);
                end("a client runs another jar (" + request.jar() + ")");
                return;
            }
            CallHandler.Call call = handler.accept(request);
            if (call == null) {
                Frames.write(ch, Frames.NOT_SERVED, new byte[0], 0, 0);
                return;
            }
            Frames.write(ch, Frames.STARTED, new byte[0], 0, 0);
            run(ch, call);
        } catch (IOException | RuntimeException e) {
            log("a call failed: " + e);
        }
    }

    private void run(SocketChannel ch, CallHandler.Call call) throws IOException {
        Thread caller = Thread.currentThread();
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hangup = new Thread(() -> interruptAtEnd(ch, caller, ended), "cli-call-hangup");
        hangup.setDaemon(true);
        hangup.start();
        Object lock = new Object();
        Charset cs = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(new FrameOutput(ch, Frames.OUT, lock), cs)), true);
        PrintWriter err = new PrintWriter(new BufferedWriter(new OutputStreamWriter(new FrameOutput(ch, Frames.ERR, lock), cs)), true);
        int code;
        try {
            code = call.run(out, err);
        } catch (RuntimeException e) {
            err.println("hpc-dask: internal error: " + e + " (set HPC_DASK_DEBUG=1 for a stack trace)");
            code = 1;
        }
        out.flush();
        err.flush();
        ended.set(true);
        Thread.interrupted(); // an interrupt meant for the call, not for its last frame
        synchronized (lock) {
            Frames.writeExit(ch, code);
        }
    }

    /**
     * The client sends nothing after its request: the end of its stream is the client gone (Ctrl-C, killed), and the
     * call is interrupted, as the JVM path's command ends with its process.
     */
    private static void interruptAtEnd(SocketChannel ch, Thread caller, java.util.concurrent.atomic.AtomicBoolean ended) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            while (ch.read(b) >= 0) {
                b.clear();
            }
        } catch (IOException e) {
            // closed by the call's end, or the client reset it: either way the stream is over
        }
        if (ch.isOpen() && !ended.get()) {
            caller.interrupt();
        }
    }

    static void log(String line) {
        System.err.println(Instant.now() + " hpc-dask CLI daemon: " + line);
    }
}
