package io.hpcdask.launcher.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Waits for a process that was asked to stop, showing progress; SIGTERM, then SIGKILL, when it does not. */
final class ProcessStopper {
    private ProcessStopper() {
    }

    static void stop(long pid, long orderlySeconds, long termSeconds, String what, PrintWriter err) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return;
        }
        ProcessHandle h = handle.get();
        if (waitFor(h, orderlySeconds, what, err)) {
            return;
        }
        err.println("hpc-dask: pid " + pid + " still runs after " + orderlySeconds + "s; sending SIGTERM");
        h.destroy();
        if (waitFor(h, termSeconds, what, err)) {
            return;
        }
        err.println("hpc-dask: pid " + pid + " ignored SIGTERM; sending SIGKILL");
        h.destroyForcibly();
        waitFor(h, 10, what, err);
    }

    private static boolean waitFor(ProcessHandle h, long seconds, String what, PrintWriter err) {
        long start = System.nanoTime();
        long nextNote = 0;
        while (h.isAlive()) {
            long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            if (elapsed >= seconds) {
                return false;
            }
            if (elapsed >= nextNote) {
                err.println(what + "... (" + elapsed + "s)");
                err.flush();
                nextNote = elapsed + 5;
            }
            try {
                h.onExit().get(200, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // still running: loop to show progress
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                return !h.isAlive();
            }
        }
        return true;
    }
}
