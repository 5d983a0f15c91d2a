package io.hpcdask.worker;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spawn helper's output pipe, opened anew for reading through /proc: the JDK's stream of a child's output is a
 * BufferedInputStream that, after each read(2) that does not fill the caller's array, asks whether more is ready
 * (fstat and ioctl(FIONREAD)), two more system calls for every batch of frames the helper writes. A plain stream of
 * the same pipe reads with one (a channel would, too, but through a temporary direct buffer taken and given back).
 */
final class HelperPipe {
    private static final Logger LOG = LoggerFactory.getLogger(HelperPipe.class);

    private HelperPipe() {
    }

    /**
     * The pipe {@code helper} writes its frames to (its stdout), or null where it cannot be opened (no /proc, another
     * system): then {@code stream} is read. Called once the helper has written to it, so its stdout is that pipe; the
     * helper alive after the open proves its pid had not been reused. Nothing may wait unread in {@code stream}, which
     * is closed once the pipe is open: at the child's exit the JDK drains what is left in the pipe into that stream
     * (ProcessPipeInputStream.processExited), and the last frames of a helper that died must reach this pipe's reader.
     */
    static InputStream open(Process helper, InputStream stream) {
        try {
            if (stream.available() > 0) {
                return null;
            }
            InputStream pipe = new FileInputStream("/proc/" + helper.pid() + "/fd/1");
            if (!helper.isAlive()) {
                pipe.close();
                return null;
            }
            stream.close();
            return pipe;
        } catch (IOException | SecurityException e) {
            LOG.debug("The spawn helper's output is read through the JDK's stream: {}", e.toString());
            return null;
        }
    }
}
