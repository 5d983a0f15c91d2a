package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.server.api.LogStream;
import io.hpcdask.server.api.RunLogChunk;
import io.hpcdask.server.api.RunView;
import io.hpcdask.server.api.RunsProgress;
import io.hpcdask.server.api.SchedulerClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * Waits for runs to end. One run: its output is streamed as it arrives. Several: a progress line whenever the count
 * of finished runs changes. Returns the worst exit status.
 */
final class RunWaiter {
    /** How often a wait says what it waits for. */
    static final Duration NOTE_EVERY = Duration.ofSeconds(30);

    private final RunningCluster cluster;
    private final PrintWriter out;
    private final PrintWriter err;
    private java.util.function.Supplier<String> note = () -> null;
    private long noteDueNanos = System.nanoTime() + NOTE_EVERY.toNanos();

    RunWaiter(RunningCluster cluster, PrintWriter out, PrintWriter err) {
        this.cluster = cluster;
        this.out = out;
        this.err = err;
    }

    /** While runs wait, {@code note}'s line (e.g. workers connected, jobs pending) on stderr every {@link #NOTE_EVERY}. */
    RunWaiter noting(java.util.function.Supplier<String> note) {
        this.note = note;
        return this;
    }

    private void noteIfDue() {
        stopIfInterrupted();
        if (System.nanoTime() - noteDueNanos >= 0) {
            noteDueNanos = System.nanoTime() + NOTE_EVERY.toNanos();
            String line = note.get();
            if (line != null) {
                err.println(line);
                err.flush();
            }
        }
    }

    int await(List<String> ids) {
        return ids.size() == 1 ? follow(ids.get(0), null) : awaitAll(ids);
    }

    /**
     * Streams the run's log until the run has ended and its log is read to the end; returns its exit status. The
     * scheduler's event stream brings each piece as the run prints, and the run's end.
     */
    int follow(String id, LogStream only) {
        RunLogPrinter printer = new RunLogPrinter(id, only, out, err);
        String[] state = {null};
        RunView ended = cluster.call(c -> c.followLog(id, only, new SchedulerClient.LogListener() {
            @Override
            public void chunk(RunLogChunk chunk) {
                printer.print(chunk);
            }

            @Override
            public void run(RunView run) {
                state[0] = run.state();
            }

            @Override
            public void alive() {
                stopIfInterrupted();
                if ("staged".equals(state[0])) {
                    noteIfDue();
                }
            }
        }));
        return RunStates.exitStatus(ended);
    }

    /** Prints the run's log as it is now: both streams, or only {@code only}. */
    void printOnce(String id, LogStream only) {
        new RunLogPrinter(id, only, out, err).printAll(from -> cluster.call(c -> c.readLog(id, from, only)));
    }

    /** A progress line whenever the count of finished runs changes; the scheduler's event stream tells each change. */
    private int awaitAll(List<String> ids) {
        long[] lastDone = {-1};
        RunsProgress p = cluster.call(c -> c.awaitRunsEnded(ids, progress -> {
            if (progress.finished() != lastDone[0]) {
                err.printf("Waiting for runs: %d of %d finished%n", progress.finished(), ids.size());
                err.flush();
                lastDone[0] = progress.finished();
            }
        }, this::noteIfDue));
        return p.outcomes().stream().mapToInt(o -> RunStates.exitStatus(o.state(), o.exitCode())).max().orElse(0);
    }

    /**
     * Ends a wait whose caller is gone: the CLI daemon interrupts a call when its client ends (Ctrl-C), as the JVM
     * path's wait ends with its process. The interrupt also closes the connection the wait reads (a channel's socket),
     * so it is heard at once, not at the next event or ping of the stream.
     */
    private static void stopIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CommandFailedException("interrupted");
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
