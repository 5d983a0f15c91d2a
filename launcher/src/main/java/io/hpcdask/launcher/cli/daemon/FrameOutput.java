package io.hpcdask.launcher.cli.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;

/**
 * A call's standard output or error: each write leaves as one frame of its type on the client's socket (the writers
 * above it buffer, so a write is a flush). Once the client is gone, writes are dropped, as a JVM's to a closed pipe
 * are, and the command carries on to its end.
 */
final class FrameOutput extends OutputStream {
    private final SocketChannel channel;
    private final byte type;
    private final Object lock;
    private volatile boolean gone;

    /** @param lock shared by a call's outputs, so their frames never interleave */
    FrameOutput(SocketChannel channel, byte type, Object lock) {
        this.channel = channel;
        this.type = type;
        this.lock = lock;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0 || gone) {
            return;
        }
        synchronized (lock) {
            try {
                Frames.write(channel, type, b, off, len);
            } catch (IOException e) {
                gone = true;
            }
        }
    }
}
