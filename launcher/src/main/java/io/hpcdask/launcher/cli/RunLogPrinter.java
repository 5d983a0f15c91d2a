package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.LogStream;
import io.hpcdask.server.api.RunLogChunk;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.LongFunction;

/**
 * Prints pieces of a run's log. Both streams: the run's stderr goes to our stderr and everything else to our stdout,
 * always (not only on a terminal), as if the run had been started here: {@code logs 3 >out 2>err} splits its output the
 * way the run wrote it, and on a terminal the two interleave in the order they arrived, each piece flushed in turn.
 * One stream ({@code --stdout}, {@code --stderr}): all of it to our stdout, so it can be piped. A log stored before
 * hpc-dask kept the streams apart has no stream to tell: it is printed whole, with a note saying so on stderr.
 */
final class RunLogPrinter {
    private final String runId;
    private final LogStream only;
    private final PrintWriter out;
    private final PrintWriter err;
    private boolean toldUnknown;

    RunLogPrinter(String runId, LogStream only, PrintWriter out, PrintWriter err) {
        this.runId = runId;
        this.only = only;
        this.out = out;
        this.err = err;
    }

    LogStream only() {
        return only;
    }

    /** Prints the log as it is now: every chunk {@code read} gives for an offset, from the start to the end. */
    void printAll(LongFunction<RunLogChunk> read) {
        long offset = 0;
        while (true) {
            RunLogChunk chunk = read.apply(offset);
            print(chunk);
            long next = chunk.nextOffset();
            if (next <= offset || next >= chunk.size()) {
                return;
            }
            offset = next;
        }
    }

    void print(RunLogChunk chunk) {
        byte[] data = chunk.data();
        int at = 0;
        for (RunLogChunk.Span span : chunk.spansOrWhole()) {
            int len = Math.min(span.length(), data.length - at);
            if (len <= 0) {
                break;
            }
            boolean unknown = LogStream.UNKNOWN.label().equals(span.stream());
            if (unknown && only != null && !toldUnknown) {
                toldUnknown = true;
                err.println("hpc-dask: run " + runId + "'s log was stored before stdout and stderr were kept apart;"
                        + " printing all of it");
                err.flush();
            }
            PrintWriter to = only == null && LogStream.STDERR.label().equals(span.stream()) ? err : out;
            to.print(new String(data, at, len, StandardCharsets.UTF_8));
            to.flush();
            at += len;
        }
    }
}
