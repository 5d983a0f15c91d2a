package io.hpcdask.launcher.cli;

import io.hpcdask.server.api.RunLogChunk;
import io.hpcdask.server.api.RunView;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Waits for runs to end. One run: its output is streamed as it arrives. Several: a progress line whenever the count
 * of finished runs changes. Returns the worst exit status.
 */
final class RunWaiter {
    private static final long POLL_MILLIS = 200;
    private static final long MAX_POLL_MILLIS = 2_000;

    private final RunningCluster cluster;
    private final PrintWriter out;
    private final PrintWriter err;

    RunWaiter(RunningCluster cluster, PrintWriter out, PrintWriter err) {
        this.cluster = cluster;
        this.out = out;
        this.err = err;
    }

    int await(List<String> ids) {
        return ids.size() == 1 ? follow(ids.get(0)) : awaitAll(ids);
    }

    /** Streams the run's log until the run has ended and its log is read to the end; returns its exit status. */
    int follow(String id) {
        long offset = 0;
        while (true) {
            RunView run = cluster.call(c -> c.run(id));
            boolean ended = RunStates.isFinal(run); // read before the log, so no output written at the end is missed
            while (true) {
                long from = offset;
                RunLogChunk chunk = cluster.call(c -> c.readLog(id, from));
                if (chunk.data().length > 0) {
                    out.print(new String(chunk.data(), StandardCharsets.UTF_8));
                    out.flush();
                }
                offset = chunk.nextOffset();
                if (offset >= chunk.size()) {
                    break;
                }
            }
            if (ended) {
                return RunStates.exitStatus(run);
            }
            sleep();
        }
    }

    /** Prints the run's log as it is now. */
    void printOnce(String id) {
        long offset = 0;
        while (true) {
            long from = offset;
            RunLogChunk chunk = cluster.call(c -> c.readLog(id, from));
            out.print(new String(chunk.data(), StandardCharsets.UTF_8));
            offset = chunk.nextOffset();
            if (chunk.data().length == 0 || offset >= chunk.size()) {
                break;
            }
        }
        out.flush();
    }

    private int awaitAll(List<String> ids) {
        Set<String> wanted = new HashSet<>(ids);
        int lastDone = -1;
        while (true) {
            long pollStart = System.nanoTime();
            Map<String, RunView> mine = cluster.call(c -> c.runs(null)).stream().filter(r -> wanted.contains(r.id()))
                    .collect(Collectors.toMap(RunView::id, Function.identity()));
            long pollMillis = (System.nanoTime() - pollStart) / 1_000_000;
            long done = mine.values().stream().filter(RunStates::isFinal).count();
            if (done != lastDone) {
                err.printf("Waiting for runs: %d of %d finished%n", done, ids.size());
                err.flush();
                lastDone = (int) done;
            }
            if (done == ids.size()) {
                return mine.values().stream().mapToInt(RunStates::exitStatus).max().orElse(0);
            }
            // listing many runs costs the scheduler CPU that its runs need: poll less often the more a poll costs
            sleep(Math.min(MAX_POLL_MILLIS, Math.max(POLL_MILLIS, 5 * pollMillis)));
        }
    }

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
