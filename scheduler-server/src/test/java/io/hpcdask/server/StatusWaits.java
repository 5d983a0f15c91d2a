package io.hpcdask.server;

import java.time.Duration;
import java.util.function.Predicate;

/** Waits, polling {@link SchedulerServer#status()}, until a running server is where a test needs it. */
public final class StatusWaits {
    private StatusWaits() {}

    /** Waits until at least {@code count} workers are connected; false on timeout. */
    public static boolean awaitWorkers(SchedulerServer server, int count, Duration timeout)
            throws InterruptedException {
        return awaitStatus(server, s -> s.workers() >= count, timeout);
    }

    /**
     * Waits until no staged run can start on the connected workers and nothing runs; false on timeout. Wait for
     * workers first: with none connected there is trivially nothing to do.
     */
    public static boolean awaitNothingToDo(SchedulerServer server, Duration timeout) throws InterruptedException {
        return awaitStatus(server, ServerStatus::nothingToDo, timeout);
    }

    private static boolean awaitStatus(SchedulerServer server, Predicate<ServerStatus> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(server.status())) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
