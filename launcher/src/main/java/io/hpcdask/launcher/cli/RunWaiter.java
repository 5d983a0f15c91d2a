package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.server.api.LogStream;
import io.hpcdask.server.api.RunFollow;
import io.hpcdask.server.api.RunLogChunk;
import io.hpcdask.server.api.RunsProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * Waits for runs to end. One run: its output is streamed as it arrives. Several: a progress line whenever the count
 * of finished runs changes. Returns the worst exit status.
 */
final class RunWaiter {
    /**
     * How long one request waits for the scheduler to tell that the runs ended; progress is shown between requests.
     * The scheduler answers at once when they end, so this bounds only how stale the progress line gets.
     */
    static final Duration PROGRESS_WAIT = Duration.ofSeconds(1);
    /** How long one request waits for a followed run to print or end. */
    static final Duration FOLLOW_WAIT = Duration.ofSeconds(5);

    private final RunningCluster cluster;
    private final PrintWriter out;
    private final PrintWriter err;

    RunWaiter(RunningCluster cluster, PrintWriter out, PrintWriter err) {
        this.cluster = cluster;
        this.out = out;
        this.err = err;
    }

    int await(List<String> ids) {
        return ids.size() == 1 ? follow(ids.get(0), null) : awaitAll(ids);
    }

    /**
     * Streams the run's log until the run has ended and its log is read to the end; returns its exit status. The
     * scheduler answers each request when the run prints or ends (or after {@link #FOLLOW_WAIT}).
     */
    int follow(String id, LogStream only) {
        RunLogPrinter printer = new RunLogPrinter(id, only, out, err);
        long offset = 0;
        Duration wait = Duration.ZERO; // what is there already, at once
        while (true) {
            long from = offset;
            Duration w = wait;
            RunFollow f = cluster.call(c -> c.followRun(id, from, w, only));
            RunLogChunk chunk = f.chunk();
            printer.print(chunk);
            offset = chunk.nextOffset();
            if (offset < chunk.size()) {
                wait = Duration.ZERO; // more than one answer holds: read on
                continue;
            }
            if (RunStates.isFinal(f.run())) { // read before the log, so no output written at the end is missed
                return RunStates.exitStatus(f.run());
            }
            wait = FOLLOW_WAIT;
        }
    }

    /** Prints the run's log as it is now: both streams, or only {@code only}. */
    void printOnce(String id, LogStream only) {
        new RunLogPrinter(id, only, out, err).printAll(from -> cluster.call(c -> c.readLog(id, from, only)));
    }

    /** A progress line whenever the count of finished runs changes; the scheduler answers when the last one ends. */
    private int awaitAll(List<String> ids) {
        long lastDone = -1;
        Duration wait = Duration.ZERO; // the first line at once
        while (true) {
            Duration w = wait;
            RunsProgress p = cluster.call(c -> c.waitForRuns(ids, w));
            if (p.finished() != lastDone) {
                err.printf("Waiting for runs: %d of %d finished%n", p.finished(), ids.size());
                err.flush();
                lastDone = p.finished();
            }
            if (p.done()) {
                return p.outcomes().stream().mapToInt(o -> RunStates.exitStatus(o.state(), o.exitCode())).max().orElse(0);
            }
            wait = PROGRESS_WAIT;
        }
    }

    /** The pause of commands that still poll (cluster start-up, {@code --run-once}). */
    private static final long POLL_MILLIS = 200;

    static void sleep() {
        sleep(POLL_MILLIS);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted");
        }
    }
}
