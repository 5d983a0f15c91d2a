package io.hpcdask.worker;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals whole process groups: a run's children die with it, not just the process we started. */
final class ProcessGroups {
    private ProcessGroups() {
    }

    /** Sends {@code signal} (e.g. TERM, KILL) to every process in group {@code pgid}; a group already gone is fine. */
    static void signal(long pgid, String signal) {
        if (pgid <= 1) {
            return; // never signal init's group or "all processes"
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill to signal process group " + pgid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
