package io.hpcdask.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Copies one stream of a run to the scheduler. It sends whatever has arrived as one chunk: small writes that come
 * together travel together, and nothing waits for a buffer to fill.
 */
final class OutputPump implements Runnable {
    static final int MAX_CHUNK = 64 * 1024;

    interface Sink {
        void output(String runId, int attempt, String stream, byte[] data);
    }

    private final InputStream in;
    private final String runId;
    private final int attempt;
    private final String stream;
    private final Sink sink;

    OutputPump(InputStream in, String runId, int attempt, String stream, Sink sink) {
        this.in = in;
        this.runId = runId;
        this.attempt = attempt;
        this.stream = stream;
        this.sink = sink;
    }

    @Override
    public void run() {
        byte[] buf = new byte[MAX_CHUNK];
        try (in) {
            while (true) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return;
                }
                int more;
                while (n < buf.length && (more = in.available()) > 0) {
                    int m = in.read(buf, n, Math.min(more, buf.length - n));
                    if (m < 0) {
                        break;
                    }
                    n += m;
                }
                sink.output(runId, attempt, stream, Arrays.copyOf(buf, n));
            }
        } catch (IOException e) {
            // the pipe closed under us (run killed); what was read has been sent
        }
    }
}
